import type { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { DomainServices } from '../services';

/** A mistake in how the command was called: answered with the usage text and exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A command that ran and found something wrong (a broken audit chain): one line, exit code 1. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

export interface CommandIo {
  out(line: string): void;
  /** Standard output as a stream, for output too large to write without waiting for the reader. */
  stdout: Writable;
  readStdinLine(): Promise<string>;
}

export type Run = (services: DomainServices, io: CommandIo) => Promise<void>;
/** Checks the arguments before anything is opened, and returns the work to do. */
export type Command = (args: string[]) => Run;

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>['values'];

export function parse<T extends Options>(args: string[], options: T): Values<T> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export const REASON = { reason: { type: 'string' } } as const;
export const JSON_OUTPUT = { json: { type: 'boolean' } } as const;
