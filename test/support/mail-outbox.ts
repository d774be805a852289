import { and, asc, eq } from 'drizzle-orm';
import { mailOutbox } from '../../src/db/schema';
import type { TestServer } from './test-server';

/**
 * The subjects of the mail queued for `recipient` (of one kind, if given), oldest first. Mail is
 * written in the transaction that causes it, so this is final the moment that request answers:
 * no waiting to prove that nothing was sent.
 */
export async function queuedSubjects(
  server: Pick<TestServer, 'database'>,
  recipient: string,
  kind?: string,
): Promise<string[]> {
  const rows = await server.database.db
    .select({ subject: mailOutbox.subject })
    .from(mailOutbox)
    .where(and(eq(mailOutbox.recipient, recipient), kind === undefined ? undefined : eq(mailOutbox.kind, kind)))
    .orderBy(asc(mailOutbox.id));
  return rows.map((row) => row.subject);
}
