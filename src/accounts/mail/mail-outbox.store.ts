import { and, asc, eq, isNotNull, isNull, lt, lte, min, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { mailOutbox, type MailOutboxRow } from '../../db/schema';
import type { MailMessage } from './mail.templates';

const pending = and(isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt));

export async function insertMail(tx: Database, message: MailMessage, now: Date): Promise<void> {
  await tx.insert(mailOutbox).values({
    kind: message.kind,
    recipient: message.recipient,
    subject: message.subject,
    textBody: message.text,
    htmlBody: message.html,
    link: message.link,
    createdAt: now,
    nextAttemptAt: now,
  });
}

/**
 * Takes up to `limit` due messages for this sender: each is moved `leaseMs` into the future and
 * counted as one more attempt, so another instance skips it, and a sender that dies mid-send
 * leaves it to be tried again when the lease runs out.
 */
export async function claimDueMail(db: Database, now: Date, leaseMs: number, limit: number): Promise<MailOutboxRow[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: mailOutbox.id })
      .from(mailOutbox)
      .where(and(pending, lte(mailOutbox.nextAttemptAt, now)))
      .orderBy(asc(mailOutbox.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    const claimed: MailOutboxRow[] = [];
    for (const { id } of due) {
      const [row] = await tx
        .update(mailOutbox)
        .set({ nextAttemptAt: new Date(now.getTime() + leaseMs), attempts: sql`${mailOutbox.attempts} + 1` })
        .where(eq(mailOutbox.id, id))
        .returning();
      if (row) claimed.push(row);
    }
    return claimed;
  });
}

/** The bodies go once delivered or given up: they may hold a link that still works. */
const erased = { textBody: '', htmlBody: '', link: null };

export async function markMailSent(db: Database, id: number, now: Date): Promise<void> {
  await db
    .update(mailOutbox)
    .set({ ...erased, sentAt: now, lastError: null })
    .where(eq(mailOutbox.id, id));
}

export async function markMailFailed(db: Database, id: number, now: Date, error: string): Promise<void> {
  await db
    .update(mailOutbox)
    .set({ ...erased, failedAt: now, lastError: error })
    .where(eq(mailOutbox.id, id));
}

export async function scheduleMailRetry(db: Database, id: number, at: Date, error: string): Promise<void> {
  await db.update(mailOutbox).set({ nextAttemptAt: at, lastError: error }).where(eq(mailOutbox.id, id));
}

/** When the next pending message is due, or null when none is pending. */
export async function nextMailDue(db: Database): Promise<Date | null> {
  const [row] = await db
    .select({ at: min(mailOutbox.nextAttemptAt) })
    .from(mailOutbox)
    .where(pending);
  return row?.at ?? null;
}

/** Deletes delivered and given-up messages finished before `before`: their bodies are gone already. */
export async function deleteFinishedMail(db: Database, before: Date): Promise<number> {
  const deleted = await db
    .delete(mailOutbox)
    .where(
      or(
        and(isNotNull(mailOutbox.sentAt), lt(mailOutbox.sentAt, before)),
        and(isNotNull(mailOutbox.failedAt), lt(mailOutbox.failedAt, before)),
      ),
    )
    .returning({ id: mailOutbox.id });
  return deleted.length;
}
