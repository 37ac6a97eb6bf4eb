/**
 * Makes an HTML string unable to yield the few names that act while a document is merely being parsed.
 *
 * Chromium applies the page's CSP to every document of the page, inert ones included (DOMParser, templates,
 * `createHTMLDocument`): an `on…` or `style` attribute is checked, and reported, the moment the parser sets
 * it, and a `<style>` or a `<track default>` element acts as soon as it is built. The sanitizer removes them
 * all, but only after the parse, so a hostile or merely untidy answer would flood the site's CSP reports
 * with violations that never run. This is NOT the security boundary (DOMPurify is); it keeps reports quiet.
 *
 * It does not tokenize (a tokenizer would have to follow the parser through comments, raw-text elements and
 * foreign content, and every gap is a report). It relies on one rule of the HTML tokenizer instead: character
 * references are decoded in text and in attribute values, never in tag or attribute names. Every such name
 * starts after `<`, `/`, whitespace or a quote; where one of the names below starts there, its second letter
 * becomes a numeric character reference. Text and attribute values decode back to exactly what they were;
 * a tag or attribute name keeps the reference and is no longer one of these names, wherever the parser is.
 */

/**
 * Name prefixes that act during the parse: event handler attributes, the `style` attribute and element (and
 * `stylesheet`-like names), `<track>` (fetches its `src` even in an inert document), `<link>` (stylesheets).
 */
const ACTIVE_NAME_PREFIXES = ['on', 'style', 'track', 'link'] as const;

/** Where a tag or attribute name can start: after `<`, `/`, any whitespace (a superset of HTML's) or a quote. */
const NAME_START = new RegExp(`(?<=[<\\/\\s"'])(${ACTIVE_NAME_PREFIXES.join('|')})`, 'gi');

function defuse(name: string): string {
  return `${name[0]}&#${name.charCodeAt(1)};${name.slice(2)}`;
}

/** The HTML with every active tag or attribute name defused (see above); its text reads the same once parsed. */
export function defuseActiveNames(html: string): string {
  return html.replace(NAME_START, defuse);
}

/**
 * The name a defused tag had, in lower case as tag names are (`s&#116;yle` → `style`; the parser lowercased
 * `<S&#84;YLE` to `s&#84;yle`, which is `sTyle` until lowercased again); other names as they are.
 */
export function restoreDefusedName(name: string): string {
  return name.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)).toLowerCase());
}
