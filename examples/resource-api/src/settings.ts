/** Where Token Warden is and who this API is to it, from the environment; a missing value stops the start. */
export interface Settings {
  port: number;
  issuer: string;
  clientId: string;
  clientSecret: string;
  maxStalenessSeconds: number;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const port = Number(env.PORT ?? 4100);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('PORT must be a port number');
  const maxStalenessSeconds = Number(env.MAX_STALENESS_SECONDS ?? 5);
  if (!(maxStalenessSeconds > 0)) throw new Error('MAX_STALENESS_SECONDS must be a positive number');
  return {
    port,
    issuer: required(env, 'TOKEN_WARDEN_URL'),
    clientId: required(env, 'TOKEN_WARDEN_CLIENT_ID'),
    clientSecret: required(env, 'TOKEN_WARDEN_CLIENT_SECRET'),
    maxStalenessSeconds,
  };
}
