import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingProductionSecret, type Config, type LoadedConfig } from '../config';

const SECRET_FILE = 'jwt-secret';

/**
 * Development-only signing key: generated once and kept in the data directory so that tokens
 * survive a restart. Written with mode 0600 because anyone who can read it can mint tokens.
 */
function loadOrCreateDevSecret(dataDir: string): Buffer {
  const file = join(dataDir, SECRET_FILE);
  try {
    const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    // A copy or a restore may have left it readable by others: make it ours alone again.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48);
  // 'wx' fails if another process created the file in the meantime; then read theirs.
  try {
    writeFileSync(file, secret.toString('base64'), { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  }
}

/**
 * The configuration with its key-encryption secret: JWT_SECRET when given, otherwise, in
 * development, the one kept under `dataDir` (created on the first start). Called where the service
 * starts (main, the admin command, createTokenWarden), so that reading the configuration writes nothing.
 */
export function resolveDevSecret(config: LoadedConfig): Config {
  const { secret } = config.jwt;
  if (secret !== undefined) return { ...config, jwt: { ...config.jwt, secret } };
  if (config.production) throw missingProductionSecret();
  return { ...config, jwt: { ...config.jwt, secret: loadOrCreateDevSecret(config.dataDir) } };
}
