/**
 * The reference renderer's warm pages: browser pages opened, with the publisher loaded and the last
 * session's avatar pack drawn, before any session asks for them. A session then only joins its room and
 * publishes (docs/renderer-protocol.md), which takes the renderer's part of the first video frame from about
 * a second to a few hundred milliseconds. Warm pages draw nothing and publish nothing until taken.
 */
import type { Page } from 'playwright-core';

/** What a warm page can get ready: the avatar pack at the video's size (the publisher's `prepare`). */
export interface PageWarmth {
  manifestUrl: string;
  width: number;
  height: number;
}

interface WarmPage {
  /** The page once it can take a session (opened, pack drawn); null when it broke on the way. */
  ready: Promise<Page | null>;
  /** The pack it is drawing (null: none yet). */
  warmth: PageWarmth | null;
}

export interface WarmPagesOptions {
  /** Opens a page with the publisher loaded (the same path a cold start takes). */
  open(): Promise<Page>;
  /** Loads a pack on a page (the publisher's `prepare`). */
  prepare(page: Page, warmth: PageWarmth): Promise<void>;
  /** How many pages to keep warm now (never more than the free slots). */
  wanted(): number;
  log(line: string): void;
}

const sameWarmth = (a: PageWarmth | null, b: PageWarmth) =>
  !!a && a.manifestUrl === b.manifestUrl && a.width === b.width && a.height === b.height;

export class WarmPages {
  private readonly pages: WarmPage[] = [];
  /** What the last session asked for: what new warm pages get ready. */
  private lastWarmth: PageWarmth | null = null;
  private closed = false;

  constructor(private readonly options: WarmPagesOptions) {}

  /** Pages ready or getting ready. */
  get size(): number {
    return this.pages.length;
  }

  /**
   * A page for a session that wants `warmth`: a warm one that draws that pack if there is one, else any
   * warm one (one still opening is still sooner than a new one), else null: the caller opens a cold page.
   */
  async take(warmth: PageWarmth): Promise<{ page: Page; warm: 'pack' | 'page' } | null> {
    this.lastWarmth = warmth;
    while (this.pages.length > 0) {
      const index = Math.max(
        0,
        this.pages.findIndex((candidate) => sameWarmth(candidate.warmth, warmth)),
      );
      const [candidate] = this.pages.splice(index, 1);
      const page = await candidate.ready;
      if (page) return { page, warm: sameWarmth(candidate.warmth, warmth) ? 'pack' : 'page' };
    }
    return null;
  }

  /** Opens pages until as many as wanted are warm, and closes any beyond that. */
  refill(): void {
    if (this.closed) return;
    const wanted = Math.max(0, this.options.wanted());
    while (this.pages.length > wanted)
      void this.pages
        .pop()!
        .ready.then((page) => page?.close())
        .catch(() => undefined);
    while (this.pages.length < wanted) this.pages.push(this.openOne());
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.pages.splice(0).map((warm) => warm.ready.then((page) => page?.close()).catch(() => undefined)));
  }

  private openOne(): WarmPage {
    const warmth = this.lastWarmth;
    const entry: WarmPage = { warmth, ready: Promise.resolve(null) };
    entry.ready = (async () => {
      let page: Page;
      try {
        page = await this.options.open();
      } catch (error) {
        this.options.log(`warm page failed to open: ${(error as Error).message}`);
        this.forget(entry);
        return null;
      }
      page.once('close', () => this.forget(entry));
      if (this.closed) {
        await page.close().catch(() => undefined);
        return null;
      }
      if (warmth) {
        try {
          await this.options.prepare(page, warmth);
        } catch (error) {
          this.options.log(`warm page could not draw ${warmth.manifestUrl}: ${(error as Error).message}`);
          this.forget(entry);
          await page.close().catch(() => undefined);
          return null;
        }
      }
      return page;
    })();
    return entry;
  }

  private forget(entry: WarmPage): void {
    const index = this.pages.indexOf(entry);
    if (index >= 0) this.pages.splice(index, 1);
  }
}
