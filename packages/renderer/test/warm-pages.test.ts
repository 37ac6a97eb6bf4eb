/**
 * How the reference renderer hands out its warm pages (src/warm-pages.ts), on the renderer's own clock: a session
 * waits at most 3 s for a page still joining its spare room, then goes on without it (the page stays warm for a
 * later session); and a renderer that has not been offered a spare room yet — its first session — warms a page
 * that joins no room. The browser side is stood in for by pages whose joins end when the test says so; the real
 * thing, in Chromium and the LiveKit test double: reference-renderer.test.ts.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WarmPages, type JoinSteps, type PageWarmth, type WarmRoom } from '../src/warm-pages.js';

const WARMTH: PageWarmth = { manifestUrl: 'http://dhkit.test/avatars/default/manifest.json', width: 320, height: 320 };
const STREAM = { warmth: WARMTH, livekitUrl: 'ws://livekit.test', fps: 15, background: 'pack' as const };

/** A stand-in page: what WarmPages uses of one (`once('close')`, `close()`). */
function standInPage(): Page & { closed: boolean } {
  const page = {
    closed: false,
    once: () => page,
    close: async () => void (page.closed = true),
  };
  return page as unknown as Page & { closed: boolean };
}

/** WarmPages over stand-in pages whose spare-room joins end only when `finishJoin()` is called. */
function warmPagesWith(rooms: WarmRoom[]) {
  const opened: Array<Page & { closed: boolean }> = [];
  const joins: Array<() => void> = [];
  const joined: string[] = [];
  const pages = new WarmPages({
    open: async () => {
      const page = standInPage();
      opened.push(page);
      return page;
    },
    prepare: async () => {},
    join: (_page, room) =>
      new Promise<JoinSteps>((resolve) =>
        joins.push(() => {
          joined.push(room.room);
          resolve({ drawnAt: 1, joinedAt: 2, publishedAt: 3 });
        }),
      ),
    claimRoom: () => rooms.shift() ?? null,
    leave: async () => {},
    wanted: () => 1,
    log: () => {},
  });
  return { pages, opened, joined, finishJoin: () => joins.shift()?.() };
}

const spare = (room: string): WarmRoom => ({ ...STREAM, room, identity: 'dhkit-renderer', token: 't' });

describe('warm pages', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a session waits 3 s for a page still joining its spare room, then goes on without it; the page stays warm', async () => {
    const { pages, finishJoin, joined } = warmPagesWith([spare('dhkit-spare-a')]);
    pages.refill();
    await vi.advanceTimersByTimeAsync(0); // opened and drawn; the join is under way

    let taken: Awaited<ReturnType<WarmPages['take']>> | 'waiting' = 'waiting';
    void pages.take(STREAM).then((page) => (taken = page));
    await vi.advanceTimersByTimeAsync(2999);
    expect(taken).toBe('waiting');
    await vi.advanceTimersByTimeAsync(1);
    expect(taken).toBeNull(); // the caller opens a page of its own
    expect(pages.size).toBe(1); // the joining page is kept for a later session

    // Its join ends: the next session gets it, publishing in the spare room already.
    finishJoin();
    await vi.advanceTimersByTimeAsync(0);
    const next = await pages.take(STREAM);
    expect(next).toMatchObject({ warm: 'room', joined: { room: 'dhkit-spare-a' } });
    expect(joined).toEqual(['dhkit-spare-a']);
  });

  it('a page that joins within the 3 s is the one the session gets', async () => {
    const { pages, finishJoin } = warmPagesWith([spare('dhkit-spare-b')]);
    pages.refill();
    await vi.advanceTimersByTimeAsync(0);
    const taking = pages.take(STREAM);
    await vi.advanceTimersByTimeAsync(2000);
    finishJoin();
    expect(await taking).toMatchObject({ warm: 'room', joined: { room: 'dhkit-spare-b' } });
  });

  it('before any spare room is offered (a renderer just started) the warm page joins none: the first session gets no room', async () => {
    const rooms: WarmRoom[] = [];
    const { pages, joined, finishJoin } = warmPagesWith(rooms);
    pages.refill();
    await vi.advanceTimersByTimeAsync(0);
    rooms.push(spare('dhkit-spare-c')); // the first session's request offers one: for the page warmed after it
    const first = await pages.take(STREAM);
    expect(first?.warm).toBe('page');
    expect(first?.joined).toBeUndefined();
    expect(joined).toEqual([]);

    pages.refill(); // the slot's next warm page takes the offer
    await vi.advanceTimersByTimeAsync(0);
    expect(rooms).toEqual([]);
    finishJoin();
    await vi.advanceTimersByTimeAsync(0);
    expect(joined).toEqual(['dhkit-spare-c']);
  });
});
