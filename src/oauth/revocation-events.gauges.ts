import { Gauge, type Registry } from 'prom-client';
import { PREFIX } from '../observability/metrics';
import type { RevocationEventStreams } from './revocation-events.hub';

/** The revocation event streams this instance serves, read at each scrape. */
export function exportEventStreamGauges(registry: Registry, streams: RevocationEventStreams): void {
  new Gauge({
    name: `${PREFIX}revocation_event_streams`,
    help: 'Revocation event streams (GET /oauth/revocation-events) open on this instance.',
    registers: [registry],
    collect() {
      this.set(streams.size);
    },
  });
}
