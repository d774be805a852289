import { pino, type DestinationStream, type Logger } from 'pino';
import PinoPretty from 'pino-pretty';
import type { LogConfig } from '../config';

export type { Logger } from 'pino';

/**
 * Paths that could hold a credential if an object carrying one were ever logged. Request lines
 * never include them; this is the second line of defence.
 */
const SECRET_PATHS = [
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'variables',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.authorization',
  '*.variables',
];

/** The service's logger: JSON lines (or pretty ones in development) on stdout unless given a destination. */
export function createLogger(config: LogConfig, destination?: DestinationStream): Logger {
  const options = {
    level: config.level,
    base: { service: 'token-warden' },
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: SECRET_PATHS, censor: '[redacted]' },
  };
  if (destination) return pino(options, destination);
  if (config.pretty) {
    return pino(options, PinoPretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }));
  }
  return pino(options);
}
