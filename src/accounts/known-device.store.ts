import { and, eq, gte, lt } from 'drizzle-orm';
import type { Database } from '../db/database';
import { knownDevices } from '../db/schema';

export interface DeviceSighting {
  userId: string;
  fingerprint: string;
  now: Date;
  /** A device last seen before this instant counts as new. */
  knownSince: Date;
}

/**
 * Records that the device was seen now; true when it had been seen since `knownSince`. Of two
 * sign-ins racing from one new device, the second's upsert waits for the first's row and finds
 * it fresh, so only one of them answers false and the device is announced once.
 */
export async function sightDevice(tx: Database, sighting: DeviceSighting): Promise<boolean> {
  const { userId, fingerprint, now, knownSince } = sighting;
  const key = and(eq(knownDevices.userId, userId), eq(knownDevices.fingerprint, fingerprint));
  const refreshed = await tx
    .update(knownDevices)
    .set({ lastSeenAt: now })
    .where(and(key, gte(knownDevices.lastSeenAt, knownSince)))
    .returning({ userId: knownDevices.userId });
  if (refreshed.length > 0) return true;
  const added = await tx
    .insert(knownDevices)
    .values({ userId, fingerprint, lastSeenAt: now })
    .onConflictDoUpdate({
      target: [knownDevices.userId, knownDevices.fingerprint],
      set: { lastSeenAt: now },
      setWhere: lt(knownDevices.lastSeenAt, knownSince),
    })
    .returning({ userId: knownDevices.userId });
  return added.length === 0;
}

/** Deletes devices not seen since `before`: a sign-in from one of them is new again anyway. */
export async function deleteStaleDevices(db: Database, before: Date): Promise<number> {
  const deleted = await db
    .delete(knownDevices)
    .where(lt(knownDevices.lastSeenAt, before))
    .returning({ userId: knownDevices.userId });
  return deleted.length;
}
