import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

// The README stays short and links to one page per concern under docs/; a relative link that points
// at a moved page or a renamed heading must fail here rather than on a reader.
const root = join(__dirname, '..');

function markdownFilesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return markdownFilesUnder(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

const documents = [
  'README.md',
  ...markdownFilesUnder(join(root, 'docs')).map((path) => relative(root, path)),
  ...readdirSync(join(root, 'bench'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `bench/${name}`),
  ...readdirSync(join(root, 'examples'))
    .map((name) => `examples/${name}/README.md`)
    .filter((path) => existsSync(join(root, path))),
];

/** The text with fenced code blocks blanked, character for character, so that offsets still hold. */
function withoutCodeBlocks(markdown: string): string {
  let fence: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const opener = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === undefined) {
        if (opener === undefined) return line;
        fence = opener;
      } else if (opener !== undefined && opener[0] === fence[0] && opener.length >= fence.length) {
        fence = undefined;
      }
      return ' '.repeat(line.length);
    })
    .join('\n');
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped (hyphens kept), each space a hyphen. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

const anchorCache = new Map<string, Set<string>>();

/** Every anchor the file's headings give, a repeated heading numbered -1, -2… as GitHub does. */
function anchorsOf(file: string): Set<string> {
  const cached = anchorCache.get(file);
  if (cached) return cached;
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocks(readFileSync(join(root, file), 'utf8')).split('\n')) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  anchorCache.set(file, anchors);
  return anchors;
}

interface Link {
  line: number;
  text: string;
  target: string;
}

function linksIn(file: string): Link[] {
  const markdown = readFileSync(join(root, file), 'utf8');
  // Inline code is blanked too: `[a](b)` inside backticks is an example, not a link.
  const text = withoutCodeBlocks(markdown).replace(/`[^`\n]*`/g, (code) => ' '.repeat(code.length));
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const links: Link[] = [];
  for (const match of text.matchAll(/\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    links.push({
      line: lineOf(match.index),
      text: markdown.slice(match.index, match.index + match[0].length),
      target: match[2] ?? '',
    });
  }
  for (const match of text.matchAll(/^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+.*)?$/gm)) {
    links.push({
      line: lineOf(match.index),
      text: markdown.slice(match.index, match.index + match[0].length).trim(),
      target: match[2] ?? '',
    });
  }
  return links;
}

/** What is wrong with the link, or undefined when its file and heading exist. */
function problemWith(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return undefined; // http:, https:, mailto:
  const hash = target.indexOf('#');
  const path = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const targetFile =
    path === '' ? file : relative(root, join(path.startsWith('/') ? root : dirname(join(root, file)), path));
  if (!existsSync(join(root, targetFile))) return `${targetFile} does not exist`;
  if (anchor === undefined) return undefined;
  if (!targetFile.endsWith('.md')) return `${targetFile} is not Markdown, so #${anchor} cannot be checked`;
  if (!anchorsOf(targetFile).has(anchor)) return `${targetFile} has no heading whose anchor is #${anchor}`;
  return undefined;
}

describe('documentation links', () => {
  it.each(documents)('every relative link in %s reaches an existing file and heading', (file) => {
    const broken = linksIn(file).flatMap(({ line, text, target }) => {
      const problem = problemWith(file, target);
      return problem === undefined ? [] : [`${file}:${line}: ${text}: ${problem}`];
    });
    expect(broken).toEqual([]);
  });

  it('keeps README.md to at most 200 lines', () => {
    const lines = readFileSync(join(root, 'README.md'), 'utf8').trimEnd().split('\n').length;
    expect(lines).toBeLessThanOrEqual(200);
  });

  it('gives each concern a page of its own: at least eight under docs/', () => {
    expect(markdownFilesUnder(join(root, 'docs')).length).toBeGreaterThanOrEqual(8);
  });
});
