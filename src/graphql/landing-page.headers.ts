import { createHash } from 'node:crypto';

/** Where Apollo's Sandbox embed loads from: its script, its fonts, its icon, and the frame it runs in. */
const APOLLO_SANDBOX = {
  script: 'https://embeddable-sandbox.cdn.apollographql.com',
  frame: 'https://sandbox.embed.apollographql.com',
  assets: 'https://apollo-server-landing-page.cdn.apollographql.com',
  fontStyles: 'https://fonts.googleapis.com',
  fonts: 'https://fonts.gstatic.com',
} as const;

/** The text of every inline `<script>` (those without `src`) or `<style>` element of `html`. */
function inlineBlocks(html: string, tag: 'script' | 'style'): string[] {
  const blocks: string[] = [];
  for (const match of html.matchAll(new RegExp(`<${tag}\\b([^>]*)>([\\s\\S]*?)</${tag}>`, 'g'))) {
    const [, attributes = '', text = ''] = match;
    if (!/\bsrc\s*=/.test(attributes)) blocks.push(text);
  }
  return blocks;
}

const hashSource = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The headers the Sandbox page is served with. Apollo's page carries a CSP of its own in a meta
 * tag, with a fresh nonce per render that a header cannot know; the header's policy allows the
 * page's inline blocks by their hashes instead (they are the same in every render), and both
 * policies apply. Nothing else may run, load or frame the page: it holds an administrator's token.
 */
export function landingPageHeaders(html: string): Record<string, string> {
  const scripts = inlineBlocks(html, 'script').map(hashSource);
  const styles = inlineBlocks(html, 'style').map(hashSource);
  const policy = [
    "default-src 'none'",
    `script-src ${[APOLLO_SANDBOX.script, ...scripts].join(' ')}`,
    `style-src ${[APOLLO_SANDBOX.script, APOLLO_SANDBOX.fontStyles, ...styles].join(' ')}`,
    `font-src ${APOLLO_SANDBOX.fonts}`,
    `img-src ${APOLLO_SANDBOX.assets}`,
    `manifest-src ${APOLLO_SANDBOX.assets}`,
    `frame-src ${APOLLO_SANDBOX.frame}`,
    // The embed sends the operations from this page, to this origin (HTTP and WebSocket).
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': policy,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}
