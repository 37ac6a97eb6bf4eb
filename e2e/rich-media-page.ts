import { createServer } from 'node:http';
import type { Page } from '@playwright/test';
import { listenOnLoopback } from './fixtures.js';

/**
 * The page side of the rich-media specs: a page that loads the SDK by script tag, the real answer renderer
 * (`DHKit.renderAnswer`) run on answers inserted into the live document, and what the page then holds or asks for.
 * The answers themselves are in rich-media-hostile.ts (the attacks) and the specs (the allowed media).
 */

export const SERVER_IMAGE = '/avatars/default/head.svg';

/**
 * A page on its own loopback origin that loads the SDK by script tag, with the given CSP (or none). A real
 * server, not a routed URL: Chromium only lets loopback pages reach the loopback SDK server.
 */
export async function startPage(serverUrl: string, csp: string | null) {
  const site = createServer((_request, response) => {
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(csp ? { 'content-security-policy': csp } : {}) })
      .end(
        `<!doctype html><html><head><meta charset="utf-8"></head><body><script src="${serverUrl}/sdk/dhkit.umd.js"></script></body></html>`,
      );
  });
  return listenOnLoopback(site);
}

/** The allowed media: a picture from the server's own origin, relative and absolute. */
export const ALLOWED = (serverUrl: string) =>
  `A picture: ![head](${SERVER_IMAGE}) and <img src="${serverUrl}/avatars/default/background.svg" alt="background">`;

export interface Outcome {
  dropped: Array<{ kind: string; value: string; reason: string }>;
  tags: string[];
  attributes: string[];
  links: Array<{ href: string; target: string | null; rel: string | null }>;
  media: string[];
}

/** Renders every answer into its own box in the live document; returns what ended up in the page. */
export async function renderAll(page: Page, serverUrl: string, answers: string[], mediaAllowlist: string[] = []): Promise<Outcome[]> {
  return page.evaluate(
    async ({ answers, serverUrl, mediaAllowlist }) => {
      const DHKit = (window as any).DHKit;
      const outcomes = [];
      for (const answer of answers) {
        const { fragment, dropped } = await DHKit.renderAnswer(answer, { serverAddress: serverUrl, mediaAllowlist });
        const box = document.createElement('div');
        box.className = 'answer';
        box.append(fragment);
        document.body.append(box);
        const elements = Array.from(box.querySelectorAll('*'));
        outcomes.push({
          dropped,
          tags: elements.map((e) => e.localName),
          attributes: elements.flatMap((e) => Array.from(e.attributes).map((a) => `${e.localName}[${a.name}=${a.value}]`)),
          links: Array.from(box.querySelectorAll('a')).map((a) => ({
            href: a.getAttribute('href') ?? '',
            target: a.getAttribute('target'),
            rel: a.getAttribute('rel'),
          })),
          media: Array.from(box.querySelectorAll('img, video, source')).flatMap((e) =>
            [e.getAttribute('src'), e.getAttribute('poster')].filter((v): v is string => !!v),
          ),
        });
      }
      return outcomes;
    },
    { answers, serverUrl, mediaAllowlist },
  );
}

/** Records requests that leave for any origin but the page's and the server's; routes evil.example so attempts are seen. */
export async function watchForeignRequests(page: Page, allowedOrigins: string[]): Promise<string[]> {
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (['data:', 'blob:', 'about:'].includes(url.protocol)) return;
    if (!allowedOrigins.includes(url.origin)) foreign.push(request.url());
  });
  await page.route('**://evil.example/**', (route) => route.fulfill({ status: 204, body: '' }));
  return foreign;
}

export async function settle(page: Page) {
  // Give pictures time to load or fail (their onerror/onload would fire), and timers a few turns.
  await page.evaluate(async () => {
    const pictures = Array.from(document.querySelectorAll('img')) as HTMLImageElement[];
    await Promise.all(
      pictures.map((img) =>
        img.complete
          ? null
          : new Promise((resolve) => {
              img.addEventListener('load', resolve, { once: true });
              img.addEventListener('error', resolve, { once: true });
            }),
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
  });
}
