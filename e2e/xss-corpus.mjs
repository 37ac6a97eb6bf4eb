// The peer XSS corpora (1,989 payloads from DOMPurify's fixtures, H5SC, PortSwigger, OWASP, SonarSource and
// markdown vectors): optional data read in place from `../shared/datasets/xss-peer/corpus.json` next to the
// repository, never copied into it. Callers skip with a note when it is absent.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../scripts/seeded-random.mjs';

export const CORPUS_PATH = fileURLToPath(new URL('../../shared/datasets/xss-peer/corpus.json', import.meta.url));
/** The corpus's `{{SINK}}` placeholder: a host name (Chromium resolves none here, so any use is seen as a request). */
const SINK = 'sink.foreign.example:8080';

/**
 * Payloads that once broke the renderer: `<frameset>` before any body made it throw, and the others raised
 * CSP reports on a strict page (comments, raw-text elements, `<svg>` breakouts, `<track default>`). Every
 * sample includes them.
 */
export const KNOWN_BAD = [
  // <frameset> before any body: the renderer threw.
  'dompurify-0087',
  'h5sc-0031',
  'h5sc-0146',
  'portswigger-0116',
  'portswigger-0210',
  'portswigger-0346',
  'portswigger-0488',
  'portswigger-0543',
  'portswigger-0634',
  'portswigger-0689',
  'portswigger-0788',
  'portswigger-0811',
  'portswigger-0862',
  'owasp-0063',
  'markdown-0131',
  // CSP reports on a strict page although nothing ran.
  'dompurify-0093',
  'dompurify-0193',
  'h5sc-0037',
  'portswigger-0082',
  'portswigger-0086',
  'portswigger-0087',
  'portswigger-0088',
  'portswigger-0089',
  'portswigger-0090',
  'portswigger-0797',
  'markdown-0094',
  'markdown-0095',
];

/** All payloads (`{ id, source, answer }`), or null when the data is not there. */
export function loadCorpus(path = CORPUS_PATH) {
  if (!existsSync(path)) return null;
  const { payloads } = JSON.parse(readFileSync(path, 'utf8'));
  return payloads.map(({ id, source, answer }) => ({ id, source, answer: answer.replaceAll('{{SINK}}', SINK) }));
}

/** A seed from a string such as `2026-12-01` (the default: today in UTC, so the sample moves daily). */
export function seedOf(text) {
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.codePointAt(0), 16777619);
  return hash >>> 0;
}

/** `size` payloads: every known-bad one, the rest drawn by `seed` without repetition, in corpus order. */
export function samplePayloads(payloads, size, seed) {
  const chosen = new Set(payloads.filter((p) => KNOWN_BAD.includes(p.id)));
  const rest = payloads.filter((p) => !chosen.has(p));
  const next = seededRandom(seed);
  while (chosen.size < Math.min(size, payloads.length) && rest.length) {
    chosen.add(rest.splice(Math.floor(next() * rest.length), 1)[0]);
  }
  return payloads.filter((p) => chosen.has(p));
}
