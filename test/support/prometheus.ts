import type { TestServer } from './test-server';

/** One sample's value from Prometheus text, 0 when the series is not there yet. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',');
    if (wanted.every((label) => present.includes(label))) return Number(match[3]);
  }
  return 0;
}

export async function scrape(
  server: TestServer,
  token?: string,
): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`${server.baseUrl}/metrics`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}
