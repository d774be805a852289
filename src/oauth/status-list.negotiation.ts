/** One entry of an Accept or Accept-Encoding header: its value and its weight. */
interface Weighted {
  value: string;
  q: number;
}

function parseWeighted(header: string): Weighted[] {
  return header
    .split(',')
    .map((part) => {
      const [value = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
      const qParam = params.find((param) => param.startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { value, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((entry) => entry.value !== '');
}

/** The weight of the most specific entry matching, by RFC 9110 §12.5.1's precedence; 0 when none does. */
function weightOf(entries: Weighted[], matches: string[]): number {
  for (const candidate of matches) {
    const entry = entries.find((e) => e.value === candidate);
    if (entry) return entry.q;
  }
  return 0;
}

/** Whether `Accept` lets us answer with `mediaType` (no header accepts anything). */
export function accepts(header: string | undefined, mediaType: string): boolean {
  if (header === undefined || header.trim() === '') return true;
  const [type = ''] = mediaType.split('/');
  return weightOf(parseWeighted(header), [mediaType, `${type}/*`, '*/*']) > 0;
}

/** Whether `Accept-Encoding` asks for gzip. */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return weightOf(parseWeighted(header), ['gzip', 'x-gzip', '*']) > 0;
}
