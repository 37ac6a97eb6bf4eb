/**
 * Parses answer HTML into an inert DOM: the contents of a `<template>`, which belong to a document without a
 * browsing context (nothing loads, nothing runs, `<style>` applies nowhere) and are parsed as a fragment.
 *
 * A fragment, not a document: a whole-document parse lets `<frameset>` before any text replace the body,
 * and then there is nothing to sanitize (DOMPurify returns null). In a fragment `<frameset>`, `<html>`,
 * `<head>` and `<body>` are ignored, as they are inside a page.
 */
import type { TrustedTypesPolicy } from './trusted-types.js';

/**
 * The parsed HTML, owned by the inert document; the caller sanitizes it before it goes anywhere. `policy`: the
 * `dhkit` Trusted Types policy (dhkitTrustedTypesPolicy()), null where there is none.
 */
export function parseInert(html: string, policy: TrustedTypesPolicy | null): DocumentFragment {
  const template = document.createElement('template');
  // With Trusted Types enforced, innerHTML takes only TrustedHTML; the `dhkit` policy vouches for this one
  // parse into the inert template, whose result is sanitized before use.
  template.innerHTML = (policy ? policy.createHTML(html) : html) as string;
  return template.content;
}
