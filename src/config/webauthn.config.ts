import { ConfigError, exactOrigin, optionalText, text, type Env } from './env';

/** The WebAuthn relying party passkeys are registered with and asserted to. */
export interface WebAuthnConfig {
  /** The domain passkeys are bound to: a browser offers them only on this domain and its subdomains. */
  rpId: string;
  /** The name an authenticator shows beside the passkey. */
  rpName: string;
  /** Exact origins (`scheme://host[:port]`) whose pages may run a ceremony. */
  origins: readonly string[];
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** APP_URL, parsed; accountsConfig names it when it is not a URL. */
function appUrl(env: Env): URL | undefined {
  const raw = optionalText(env, 'APP_URL');
  if (raw === undefined || !URL.canParse(raw)) return undefined;
  return new URL(raw);
}

function rpId(env: Env): string {
  const raw = optionalText(env, 'WEBAUTHN_RP_ID');
  if (raw === undefined) {
    const appHost = appUrl(env)?.hostname;
    // An IP address cannot be a relying party id: browsers refuse it, so the default stays a domain.
    return appHost !== undefined && DOMAIN.test(appHost) && !/^[\d.]+$/.test(appHost) ? appHost : 'localhost';
  }
  if (!DOMAIN.test(raw) || /^[\d.]+$/.test(raw)) {
    throw new ConfigError('WEBAUTHN_RP_ID', `must be a domain in lower case like example.com, got "${raw}"`);
  }
  return raw;
}

/** An origin's host is the relying party id or one of its subdomains (WebAuthn §5.1.3). */
const withinRpId = (origin: string, id: string): boolean => {
  const host = new URL(origin).hostname;
  return host === id || host.endsWith(`.${id}`);
};

function allowedOrigin(entry: string, id: string): string {
  const origin = exactOrigin('WEBAUTHN_ORIGINS', entry);
  if (!withinRpId(origin, id)) {
    throw new ConfigError('WEBAUTHN_ORIGINS', `has "${entry}", whose host is not ${id} nor under it (WEBAUTHN_RP_ID)`);
  }
  return origin;
}

/** The example web app's dev server, browsed by name: a passkey needs a domain, not 127.0.0.1. */
const DEVELOPMENT_ORIGIN = 'http://localhost:5173';

function origins(env: Env, id: string, corsOrigins: readonly string[]): string[] {
  const raw = optionalText(env, 'WEBAUTHN_ORIGINS');
  if (raw !== undefined) return raw.split(',').map((entry) => allowedOrigin(entry.trim(), id));
  const app = appUrl(env);
  const candidates = [...(app === undefined ? [] : [app.origin]), ...corsOrigins];
  // Defaults from other settings keep only the origins this relying party id can serve.
  const usable = [...new Set(candidates)].filter((origin) => withinRpId(origin, id));
  return usable.length > 0 ? usable : id === 'localhost' ? [DEVELOPMENT_ORIGIN] : [];
}

export function webauthnConfig(env: Env, corsOrigins: readonly string[]): { webauthn: WebAuthnConfig } {
  const id = rpId(env);
  return {
    webauthn: {
      rpId: id,
      rpName: text(env, 'WEBAUTHN_RP_NAME', 'Token Warden'),
      origins: origins(env, id, corsOrigins),
    },
  };
}
