/**
 * The reference renderer's warm pages: browser pages opened, with the publisher loaded and the last
 * session's avatar pack drawn, before any session asks for them. A session then only joins its room and
 * publishes (docs/renderer-protocol.md), which takes the renderer's part of the first video frame from about
 * a second to a few hundred milliseconds. Where the server offered a spare room (`spareRoom`), a warm page
 * joins it and publishes ahead too, and the session that takes it has nothing left to do: the visitor's join
 * is all that stands before the first frame.
 */
import type { Page } from 'playwright-core';

/** What a warm page can get ready: the avatar pack at the video's size (the publisher's `prepare`). */
export interface PageWarmth {
  manifestUrl: string;
  width: number;
  height: number;
}

/** A spare room a session request offered: where a warm page joins ahead, and the stream it publishes there. */
export interface WarmRoom {
  warmth: PageWarmth;
  livekitUrl: string;
  room: string;
  identity: string;
  token: string;
  fps: number;
  background: 'pack' | 'green';
}

/** What a session asks of a page: its pack and the stream a page in a room must already publish. */
export type WantedStream = Omit<WarmRoom, 'room' | 'identity' | 'token'>;

/** When a warm page's join ended (ms since the epoch), as the publisher tells. */
export interface JoinSteps {
  drawnAt: number;
  joinedAt: number;
  publishedAt: number;
}

interface WarmPage {
  /** The page once it can take a session (opened, pack drawn, its room joined); null when it broke on the way. */
  ready: Promise<Page | null>;
  /** The pack it is drawing (null: none yet). */
  warmth: PageWarmth | null;
  /** The spare room it joins (null: none; the session joins its own). */
  room: WarmRoom | null;
  /** Set once it publishes in `room`. */
  joined: JoinSteps | null;
}

/** A page taken for a session: how warm it was, and the room it publishes in already when it joined one. */
export interface TakenPage {
  page: Page;
  warm: 'room' | 'pack' | 'page';
  joined?: { room: string; steps: JoinSteps };
}

export interface WarmPagesOptions {
  /** Opens a page with the publisher loaded (the same path a cold start takes). */
  open(): Promise<Page>;
  /** Loads a pack on a page (the publisher's `prepare`). */
  prepare(page: Page, warmth: PageWarmth): Promise<void>;
  /** Joins a room and publishes there (the publisher's `start`). */
  join(page: Page, room: WarmRoom): Promise<JoinSteps>;
  /** A spare room offered and not yet joined, if any (taken: each is joined once). */
  claimRoom(): WarmRoom | null;
  /** Leaves the room a page joined (the publisher's `stop`), before the page closes: no participant is left behind. */
  leave(page: Page): Promise<void>;
  /** How many pages to keep warm now (never more than the free slots). */
  wanted(): number;
  log(line: string): void;
}

const sameWarmth = (a: PageWarmth | null, b: PageWarmth) =>
  !!a && a.manifestUrl === b.manifestUrl && a.width === b.width && a.height === b.height;

/** How long a session waits for a warm page that is still joining its spare room before it opens a page of its own. */
const JOIN_WAIT_MS = 3000;

/** The promise's value, or undefined when it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Whether a page in `room` publishes what `wanted` asks for (then it can take the session as it is). */
const sameStream = (room: WarmRoom, wanted: WantedStream) =>
  sameWarmth(room.warmth, wanted.warmth) &&
  room.livekitUrl === wanted.livekitUrl &&
  room.fps === wanted.fps &&
  room.background === wanted.background;

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
   * A page for a session that wants `wanted`: one already publishing that stream in a spare room if there is
   * one, else a warm one that draws that pack, else any warm one not in a room (one still opening is still sooner
   * than a new one), else null: the caller opens a cold page. A page in a room that publishes another stream is
   * closed: it cannot take this session, and its slot is better spent on the stream sessions now ask for.
   */
  async take(wanted: WantedStream): Promise<TakenPage | null> {
    const { warmth } = wanted;
    this.lastWarmth = warmth;
    for (const stale of this.pages.filter((candidate) => candidate.room && !sameStream(candidate.room, wanted))) this.drop(stale);
    const passedOver = new Set<WarmPage>();
    for (;;) {
      const rank = (candidate: WarmPage) => (candidate.room ? 2 : sameWarmth(candidate.warmth, warmth) ? 1 : 0);
      const candidates = this.pages.filter((candidate) => !passedOver.has(candidate));
      if (candidates.length === 0) return null;
      const candidate = candidates.reduce((best, next) => (rank(next) > rank(best) ? next : best));
      // A page still joining its spare room is waited for only so long: a join stuck on a busy machine must not
      // hold the admission up (the server gives up after 15 s). It stays warm for a later session.
      this.forget(candidate); // ours while we wait: a session starting beside this one must not take it too
      const page = candidate.room && !candidate.joined ? await within(candidate.ready, JOIN_WAIT_MS) : await candidate.ready;
      if (page === undefined) {
        passedOver.add(candidate);
        if (this.closed) void this.closeEntry(candidate);
        else this.pages.push(candidate);
        continue;
      }
      if (!page) continue;
      if (candidate.room && candidate.joined) return { page, warm: 'room', joined: { room: candidate.room.room, steps: candidate.joined } };
      return { page, warm: sameWarmth(candidate.warmth, warmth) ? 'pack' : 'page' };
    }
  }

  /** Opens pages until as many as wanted are warm, and closes any beyond that. */
  refill(): void {
    if (this.closed) return;
    const wanted = Math.max(0, this.options.wanted());
    while (this.pages.length > wanted) this.drop(this.pages[this.pages.length - 1]);
    while (this.pages.length < wanted) this.pages.push(this.openOne());
  }

  private drop(entry: WarmPage): void {
    this.forget(entry);
    void this.closeEntry(entry);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.pages.splice(0).map((warm) => this.closeEntry(warm)));
  }

  /** Closes a warm page once it is ready, leaving its room first if it joined one. */
  private async closeEntry(entry: WarmPage): Promise<void> {
    const page = await entry.ready.catch(() => null);
    if (!page) return;
    if (entry.joined) await this.options.leave(page).catch(() => undefined);
    await page.close().catch(() => undefined);
  }

  private openOne(): WarmPage {
    const room = this.options.claimRoom();
    const warmth = room?.warmth ?? this.lastWarmth;
    const entry: WarmPage = { warmth, room, joined: null, ready: Promise.resolve(null) };
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
      if (room) {
        try {
          entry.joined = await this.options.join(page, room);
          this.options.log(`warm page publishing in spare room ${room.room}`);
        } catch (error) {
          this.options.log(`warm page could not join spare room ${room.room}: ${(error as Error).message}`);
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
