import { Gauge, type Registry } from 'prom-client';
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
}
