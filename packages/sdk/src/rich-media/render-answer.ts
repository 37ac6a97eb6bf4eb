/**
 * Answers are untrusted: an LLM or a knowledge-base editor can write anything. They are markdown with inline
 * HTML; this turns one into a DOM fragment that is safe to insert: marked → the HTML parser into an inert
 * template (never the live document) → DOMPurify over that DOM with a strict allowlist, plus hooks that vet
 * every URL against the robot's media policy. No string is parsed twice: the sanitized nodes are what the
 * page gets. It never throws: an answer it cannot render comes out as plain text.
 *
 * What can come out: text blocks, headings h1–h6, lists (also definition lists), tables (cells may be
 * aligned with `align`), code, quotes, `details`/`summary`, `figure`/`figcaption`, links (http/https/mailto/tel,
 * opened in a new tab without opener or referrer), pictures (jpg, jpeg, png, bmp, gif, webp, svg — SVG only
 * ever as an `<img>`) and mp4 video, both only from the server's own origin or over https from a host in
 * `mediaAllowlist`. Never: script, event handlers, style attributes or elements (so no CSS `url()`), `<base>`,
 * `<meta>`, `<form>`, `<iframe>`, `<object>`, `<embed>`, inline `<svg>`/`<math>`, `srcset`, ids, names or classes.
 */
import createDOMPurify, {
  type Config,
  type DOMPurify,
  type NodeHook,
  type UponSanitizeAttributeHook,
  type UponSanitizeElementHook,
} from 'dompurify';
import {
  checkDimension,
  checkLinkUrl,
  checkMediaUrl,
  createMediaPolicy,
  type DropReason,
  type MediaKind,
  type MediaPolicy,
} from './media-policy.js';
import { ACTIVE_TAGS, ALLOWED_ATTR, ALLOWED_TAGS, FORBID_ATTR, FORBID_TAGS } from './answer-allowlist.js';
import { defuseActiveNames, restoreDefusedName } from './defuse-names.js';
import { markdownToHtml } from './markdown.js';
import { parseInert } from './parse-inert.js';
import { dhkitTrustedTypesPolicy, type TrustedTypesPolicy } from './trusted-types.js';
import { DHKitError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/logger.js';

export interface RenderAnswerOptions {
  /** The server the answer came from (as given to `create()`); relative URLs resolve against it. */
  serverAddress: string;
  /** Hosts (`host` or `host:port`) media may come from over https, besides the server: the robot's `mediaAllowlist`. */
  mediaAllowlist?: readonly string[];
}

/** Something left out of an answer; report it as a weak error, show nothing to the visitor. */
export interface DroppedContent {
  /**
   * `image`, `video` and `poster` drop the media; `link` keeps the text without the link; `element` is active content
   * (script, iframe, form, …).
   */
  kind: 'image' | 'video' | 'poster' | 'link' | 'element';
  /** The URL (at most 200 characters) or, for `element`, the tag name. */
  value: string;
  reason: DropReason | 'forbidden';
}

/** A picture or video kept in the answer, in document order (what a media viewer can page through). */
export interface AnswerMedia {
  kind: MediaKind;
  src: string;
  alt: string;
  poster?: string;
}

export interface RenderedAnswer {
  /** Sanitized DOM, owned by an inert document: nothing loads until it is inserted into the page. */
  fragment: DocumentFragment;
  dropped: DroppedContent[];
  media: AnswerMedia[];
}

const INTEGER_ATTR = new Set(['colspan', 'rowspan', 'start']);
/** GFM column alignment as marked writes it (`<th align="center">`): a presentational hint, no inline style. */
const CELL_ALIGNMENTS = new Set(['left', 'center', 'right']);

/** State of the sanitize call in progress (DOMPurify hooks are per instance, calls are synchronous). */
interface RunState {
  policy: MediaPolicy;
  dropped: DroppedContent[];
  remove: Element[];
}
let run: RunState | null = null;
let purifier: DOMPurify | null = null;

function shorten(value: string): string {
  return value.length > 200 ? `${value.slice(0, 199)}…` : value;
}

function mediaKindOf(tag: string, attr: string): { kind: MediaKind; report: DroppedContent['kind'] } | null {
  if (tag === 'img' && attr === 'src') return { kind: 'image', report: 'image' };
  if ((tag === 'video' || tag === 'source') && attr === 'src') return { kind: 'video', report: 'video' };
  if (tag === 'video' && attr === 'poster') return { kind: 'image', report: 'poster' };
  return null;
}

/** Our own DOMPurify instance: hooks on the shared default one would also act on the host page's calls. */
function getPurifier(): DOMPurify {
  if (purifier) return purifier;
  if (typeof window === 'undefined' || typeof document === 'undefined') {
    throw new DHKitError('BROWSER_NOT_SUPPORTED', 'dhkit: renderAnswer needs a browser DOM');
  }
  const instance = createDOMPurify(window);
  if (!instance.isSupported) throw new DHKitError('BROWSER_NOT_SUPPORTED', 'dhkit: this browser cannot sanitize answers');
  instance.addHook('uponSanitizeElement', vetElement);
  instance.addHook('uponSanitizeAttribute', vetAttribute);
  instance.addHook('afterSanitizeAttributes', finishElement);
  purifier = instance;
  return instance;
}

/** An element outside the allowlist: a defused one goes with its content; active content is reported. */
const vetElement: UponSanitizeElementHook = (node, event) => {
  if (!run || !event.allowedTags || event.allowedTags[event.tagName]) return;
  const name = restoreDefusedName(event.tagName);
  // A defused element (see defuse-names.ts) goes with its content, as the element it was would have: the
  // rules of a <style> are not text for the visitor.
  if (name !== event.tagName) (node as Element).replaceChildren();
  if (ACTIVE_TAGS.has(name)) run.dropped.push({ kind: 'element', value: name, reason: 'forbidden' });
};

/** Every URL against the media policy; numbers, alignments and flags to the few values they may have. */
const vetAttribute: UponSanitizeAttributeHook = (element, event) => {
  if (!run) return;
  const tag = element.localName;
  const attr = event.attrName;
  const media = mediaKindOf(tag, attr);
  if (media) {
    const check = checkMediaUrl(event.attrValue, media.kind, run.policy);
    if (check.ok) {
      event.attrValue = check.url;
    } else {
      event.keepAttr = false;
      run.dropped.push({ kind: media.report, value: shorten(event.attrValue), reason: check.reason });
      // A picture or video source without its URL is gone; a video keeps playing without a bad poster.
      if (media.report !== 'poster') run.remove.push(element);
    }
  } else if (attr === 'href') {
    const check = tag === 'a' ? checkLinkUrl(event.attrValue, run.policy) : null;
    if (check?.ok) {
      event.attrValue = check.url;
    } else {
      event.keepAttr = false;
      if (check) run.dropped.push({ kind: 'link', value: shorten(event.attrValue), reason: check.reason });
    }
  } else if (attr === 'width' || attr === 'height') {
    const value = checkDimension(event.attrValue);
    if (value === null) event.keepAttr = false;
    else event.attrValue = value;
  } else if (INTEGER_ATTR.has(attr)) {
    if (!/^\d{1,3}$/.test(event.attrValue)) event.keepAttr = false;
  } else if (attr === 'align') {
    const value = event.attrValue.trim().toLowerCase();
    if ((tag === 'td' || tag === 'th') && CELL_ALIGNMENTS.has(value)) event.attrValue = value;
    else event.keepAttr = false;
  } else if (attr === 'open') {
    if (tag !== 'details') event.keepAttr = false;
    else event.attrValue = '';
  } else if (attr === 'type') {
    if (tag !== 'source' || event.attrValue.toLowerCase() !== 'video/mp4') event.keepAttr = false;
  }
};

/** Links open in a new tab without opener or referrer; media get safe defaults; empty media go. */
const finishElement: NodeHook = (node) => {
  if (!run) return;
  const element = node as Element;
  switch (element.localName) {
    case 'a':
      if (element.hasAttribute('href')) {
        element.setAttribute('target', '_blank');
        element.setAttribute('rel', 'noopener noreferrer');
      }
      break;
    case 'img':
      if (!element.hasAttribute('src')) run.remove.push(element);
      element.setAttribute('referrerpolicy', 'no-referrer');
      element.setAttribute('decoding', 'async');
      break;
    case 'video':
      element.setAttribute('controls', '');
      element.setAttribute('preload', 'metadata');
      element.setAttribute('playsinline', '');
      break;
    case 'source':
      if (!element.hasAttribute('src') || element.parentElement?.localName !== 'video') run.remove.push(element);
      break;
  }
};

function purifyConfig(trustedTypesPolicy: TrustedTypesPolicy | null): Config & { RETURN_DOM_FRAGMENT: true } {
  return {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    ALLOW_SELF_CLOSE_IN_ATTR: false,
    SAFE_FOR_TEMPLATES: false,
    SANITIZE_DOM: true,
    SANITIZE_NAMED_PROPS: true,
    KEEP_CONTENT: true,
    WHOLE_DOCUMENT: false,
    RETURN_DOM_FRAGMENT: true,
    ...(trustedTypesPolicy ? { TRUSTED_TYPES_POLICY: trustedTypesPolicy as Config['TRUSTED_TYPES_POLICY'] } : {}),
  };
}

/**
 * Renders an answer into a sanitized fragment, synchronously (the public, async form is `renderAnswer`).
 * Browser only. Media that break the policy are left out and listed in `dropped`. Never throws: if the
 * answer cannot be rendered at all (no DOM, a page whose Trusted Types forbid the `dhkit` policy), it comes
 * back as plain text, which is what the visitor hears anyway.
 */
export function renderAnswerNow(answer: string, options: RenderAnswerOptions, log: Pick<Logger, 'warn'> = createLogger()): RenderedAnswer {
  const text = String(answer ?? '');
  try {
    return sanitizeAnswer(text, options, log);
  } catch (error) {
    log.warn('could not render an answer; showing it as plain text', error);
    return plainTextAnswer(text);
  }
}

function sanitizeAnswer(answer: string, options: RenderAnswerOptions, log: Pick<Logger, 'warn'>): RenderedAnswer {
  const instance = getPurifier();
  const policy = createMediaPolicy(options.serverAddress, options.mediaAllowlist ?? []);
  const html = defuseActiveNames(markdownToHtml(answer));
  const trustedTypesPolicy = dhkitTrustedTypesPolicy(log);
  const state: RunState = { policy, dropped: [], remove: [] };
  run = state;
  let fragment: DocumentFragment;
  try {
    fragment = instance.sanitize(parseInert(html, trustedTypesPolicy), purifyConfig(trustedTypesPolicy));
  } finally {
    run = null;
  }
  for (const element of state.remove) element.remove();
  // A video none of whose sources survived has nothing to play.
  for (const video of Array.from(fragment.querySelectorAll('video'))) {
    if (!video.hasAttribute('src') && !video.querySelector('source[src]')) video.remove();
  }
  return { fragment, dropped: state.dropped, media: collectMedia(fragment) };
}

/** The answer as one text node (never parsed as HTML); for when no DOM-based rendering is possible. */
function plainTextAnswer(answer: string): RenderedAnswer {
  const fragment = typeof document === 'undefined' ? null : document.createDocumentFragment();
  if (!fragment) throw new DHKitError('BROWSER_NOT_SUPPORTED', 'dhkit: renderAnswer needs a browser DOM');
  fragment.append(answer);
  return { fragment, dropped: [], media: [] };
}

function collectMedia(fragment: DocumentFragment): AnswerMedia[] {
  const media: AnswerMedia[] = [];
  for (const element of Array.from(fragment.querySelectorAll('img, video'))) {
    if (element.localName === 'img') {
      media.push({ kind: 'image', src: element.getAttribute('src') ?? '', alt: element.getAttribute('alt') ?? '' });
    } else {
      const src = element.getAttribute('src') ?? element.querySelector('source[src]')?.getAttribute('src') ?? '';
      const poster = element.getAttribute('poster') ?? undefined;
      media.push({ kind: 'video', src, alt: element.getAttribute('title') ?? '', ...(poster ? { poster } : {}) });
    }
  }
  return media;
}
