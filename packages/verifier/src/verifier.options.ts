import type { VerifierLogger } from './logger';
import { silentLogger } from './logger';

export interface VerifierOptions {
  /** The service's URL (its JWT_ISSUER when that is a URL): RFC 8414 discovery starts here. */
  issuer: string;
  /** A client of the service's OAUTH_CLIENTS: the revocation stream is not public. */
  clientId: string;
  clientSecret: string;
  /** The `aud` tokens must carry. @default 'token-warden' (the service's default JWT_AUDIENCE) */
  audience?: string;
  /** Tokens are refused with SERVICE_UNAVAILABLE once the state is not proven current for this long. @default 5 */
  maxStalenessSeconds?: number;
  /** `createVerifier` rejects when keys and state are not held within this time. @default 30 */
  startupTimeoutSeconds?: number;
  /** Verified tokens remembered, so a known token costs a lookup, not a signature check. @default 10000 */
  verifiedTokenCacheSize?: number;
  /** Reports connections, reconnects and trouble. @default silent */
  logger?: VerifierLogger;
  /** The fetch every request goes through (discovery, keys, the stream). @default globalThis.fetch */
  fetch?: typeof fetch;
}

export interface ResolvedOptions {
  issuerUrl: URL;
  clientId: string;
  clientSecret: string;
  audience: string;
  maxStalenessMs: number;
  startupTimeoutMs: number;
  verifiedTokenCacheSize: number;
  logger: VerifierLogger;
  fetch: typeof fetch;
}

const KNOWN = new Set([
  'issuer',
  'clientId',
  'clientSecret',
  'audience',
  'maxStalenessSeconds',
  'startupTimeoutSeconds',
  'verifiedTokenCacheSize',
  'logger',
  'fetch',
]);

function invalid(option: string, expected: string): never {
  throw new TypeError(`createVerifier: option "${option}" must be ${expected}.`);
}

function text(options: Record<string, unknown>, name: string, fallback?: string): string {
  const value = options[name] ?? fallback;
  if (typeof value !== 'string' || value.trim() === '') invalid(name, 'a non-empty string');
  return value;
}

function seconds(options: Record<string, unknown>, name: string, fallback: number, max: number): number {
  const value = options[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    invalid(name, `a number of seconds above 0 and at most ${max}`);
  }
  return Math.round(value * 1000);
}

function issuerUrlOf(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid('issuer', 'an http(s) URL, the service’s base URL');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    invalid('issuer', 'an http(s) URL without query or fragment, the service’s base URL');
  }
  return url;
}

/** Checks every option, naming the first one that is wrong; an option nobody reads is wrong too. */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError('createVerifier: options must be an object with issuer, clientId and clientSecret.');
  }
  const options = input as Record<string, unknown>;
  const unknown = Object.keys(options).find((name) => !KNOWN.has(name));
  if (unknown !== undefined) {
    throw new TypeError(`createVerifier: unknown option "${unknown}"; known: ${[...KNOWN].join(', ')}.`);
  }
  const cacheSize = options.verifiedTokenCacheSize ?? 10_000;
  if (typeof cacheSize !== 'number' || !Number.isInteger(cacheSize) || cacheSize < 0) {
    invalid('verifiedTokenCacheSize', 'a whole number, 0 or more');
  }
  const logger: unknown = options.logger ?? silentLogger;
  if (typeof logger !== 'object' || logger === null) invalid('logger', 'an object with info, warn and error methods');
  for (const level of ['info', 'warn', 'error'] as const) {
    const method = (logger as Record<string, unknown>)[level];
    if (method !== undefined && typeof method !== 'function') invalid(`logger.${level}`, 'a function');
  }
  const fetchOption = options.fetch ?? globalThis.fetch;
  if (typeof fetchOption !== 'function') invalid('fetch', 'a fetch function');
  return {
    issuerUrl: issuerUrlOf(text(options, 'issuer')),
    clientId: text(options, 'clientId'),
    clientSecret: text(options, 'clientSecret'),
    audience: text(options, 'audience', 'token-warden'),
    maxStalenessMs: seconds(options, 'maxStalenessSeconds', 5, 3600),
    startupTimeoutMs: seconds(options, 'startupTimeoutSeconds', 30, 3600),
    verifiedTokenCacheSize: cacheSize,
    logger,
    fetch: fetchOption as typeof fetch,
  };
}
