import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { CommandFailure, JSON_OUTPUT, parse, UsageError, type Command } from './admin.command';

/** A date, or a date and time with an optional zone: what `--since` and `--until` take. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

function instant(option: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (!ISO_8601.test(value) || Number.isNaN(at.getTime()))
    throw new UsageError(`--${option} must be an ISO 8601 date or date-time, got "${value}"`);
  return at;
}

/** Writes one line, waiting when the stream's buffer is full so that a large export stays small in memory. */
async function writeLine(stream: Writable, line: string): Promise<void> {
  if (!stream.write(`${line}\n`)) await once(stream, 'drain');
}

async function closed(file: WriteStream): Promise<void> {
  file.end();
  await once(file, 'close');
}

/** Reading the audit trail and checking its hash chain. Neither writes: a check must not change what it checks. */
export const AUDIT_COMMANDS: Record<string, Command> = {
  'export-audit': (args) => {
    const values = parse(args, { since: { type: 'string' }, until: { type: 'string' }, out: { type: 'string' } });
    const since = instant('since', values.since);
    const until = instant('until', values.until);
    if (since && until && since >= until) throw new UsageError('--since must be before --until');
    if (values.out === '') throw new UsageError('--out needs a file name');
    return async (services, io) => {
      const events = services.auditChain.export({ since, until });
      if (values.out === undefined) {
        for await (const event of events) await writeLine(io.stdout, JSON.stringify(event));
        return;
      }
      const file = createWriteStream(values.out, { flags: 'w' });
      let count = 0;
      try {
        for await (const event of events) {
          await writeLine(file, JSON.stringify(event));
          count += 1;
        }
      } finally {
        await closed(file);
      }
      io.out(`wrote ${count} audit events to ${values.out}`);
    };
  },

  'verify-audit': (args) => {
    const values = parse(args, JSON_OUTPUT);
    return async (services, io) => {
      const outcome = await services.auditChain.verify();
      if (values.json) io.out(JSON.stringify(outcome));
      if (!outcome.ok)
        throw new CommandFailure(`audit trail broken after ${outcome.verified} events: ${outcome.message}`);
      if (values.json) return;
      const head = outcome.head ? `; the chain ends at event ${outcome.head.eventId}, link ${outcome.head.link}` : '';
      io.out(`verified ${outcome.verified} audit events${head}`);
      if (outcome.unsealed > 0) io.out(`${outcome.unsealed} newer events are not sealed yet`);
    };
  },
};
