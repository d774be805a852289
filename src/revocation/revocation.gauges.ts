import { Counter, Gauge, type Registry } from 'prom-client';
import { PREFIX } from '../observability/metrics';
import type { RevocationCheckStatus } from './revocation.check';

/** Exports the revocation check's state, read at each scrape. */
export function exportRevocationGauges(registry: Registry, revocationStatus: () => RevocationCheckStatus): void {
  const gauge = (name: string, help: string, read: (status: RevocationCheckStatus) => number | null) =>
    new Gauge({
      name: `${PREFIX}${name}`,
      help,
      registers: [registry],
      collect() {
        const value = read(revocationStatus());
        if (value === null) this.reset();
        else this.set(value);
      },
    });
  gauge('revocation_mirror_size', 'Active blacklisted jtis held in memory.', (s) => s.size);
  gauge(
    'revocation_mirror_users_with_cutoff',
    'Users with a revocation cutoff held in memory.',
    (s) => s.usersWithCutoff,
  );
  gauge(
    'revocation_mirror_sessions_with_cutoff',
    'Revoked sessions whose cutoff is held in memory until their last token expires.',
    (s) => s.sessionsWithCutoff,
  );
  gauge('revocation_mirror_synced', '1 when the mirror is known to hold every revocation; 0 while it is not.', (s) =>
    s.synced ? 1 : 0,
  );
  gauge(
    'revocation_notification_lag_seconds',
    'From sending the last revocation notification received to applying it.',
    (s) => (s.lastNotificationLagMs === null ? null : s.lastNotificationLagMs / 1000),
  );
  gauge('revocation_log_applied_version', 'The newest revocation log version applied, every lower one with it.', (s) =>
    s.appliedVersion === undefined ? null : s.appliedVersion,
  );
  gauge(
    'revocation_seconds_since_current',
    'Since a read of the revocation log last found the mirror current; past REVOCATION_MAX_STALENESS_MS it is not trusted.',
    (s) => (s.sinceCurrentMs === undefined || s.sinceCurrentMs === null ? null : s.sinceCurrentMs / 1000),
  );
  new Gauge({
    name: `${PREFIX}revocation_bus`,
    help: 'The revocation bus in use and how it delivers now (notify, poll, nats, redis): 1 for the current pair.',
    labelNames: ['bus', 'mode'],
    registers: [registry],
    collect() {
      const status = revocationStatus();
      this.reset();
      if (status.bus !== undefined && status.busMode !== undefined)
        this.set({ bus: status.bus, mode: status.busMode }, 1);
    },
  });
  const total = (name: string, help: string, read: (status: RevocationCheckStatus) => number | undefined) => {
    let counted = 0;
    new Counter({
      name: `${PREFIX}${name}`,
      help,
      registers: [registry],
      collect() {
        const value = read(revocationStatus()) ?? 0;
        if (value > counted) this.inc(value - counted);
        counted = Math.max(counted, value);
      },
    });
  };
  total(
    'revocation_log_catch_ups_total',
    'Reads of the revocation log that found versions the bus had not delivered.',
    (s) => s.logCatchUps,
  );
  total(
    'revocation_full_reloads_total',
    'Complete loads of the revocation state: at start, and when a gap was older than the log.',
    (s) => s.fullReloads,
  );
}
