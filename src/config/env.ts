/** The parsing primitives behind `loadConfig`: each reads one variable and names it when it is wrong. */

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export const DAY = 86_400;

export function text(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

export function optionalText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optionalText(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function oneOf<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const value = text(env, name, fallback);
  const choice = choices.find((candidate) => candidate === value);
  if (choice === undefined) {
    throw new ConfigError(name, `must be one of ${choices.map((c) => `"${c}"`).join(', ')}, got "${value}"`);
  }
  return choice;
}

export function flag(env: Env, name: string, fallback: boolean): boolean {
  return oneOf(env, name, ['true', 'false'], fallback ? 'true' : 'false') === 'true';
}

/** An optional URL whose scheme must be one of `schemes`; its value is never echoed, as it may hold a password. */
export function optionalUrl(env: Env, name: string, schemes: readonly string[]): string | undefined {
  const raw = optionalText(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!schemes.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${schemes.map((scheme) => `${scheme}//`).join(' or ')}`);
  }
  return raw;
}

/** An exact origin (`scheme://host[:port]`, as URL.origin writes it), or a ConfigError naming `name`. */
export function exactOrigin(name: string, entry: string): string {
  let url: URL | undefined;
  try {
    url = new URL(entry);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== entry) {
    throw new ConfigError(
      name,
      `has "${entry}", which is not an exact origin like https://app.example.com (scheme://host[:port], lower case, no path)`,
    );
  }
  return entry;
}
