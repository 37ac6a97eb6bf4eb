import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { SocketBackpressure } from './backpressure.js';

describe('SocketBackpressure', () => {
  const socket = { bufferedAmount: 0 };
  const backpressure = new SocketBackpressure({ socket: () => socket as WebSocket, highWaterBytes: 1000 });

  it('starts the unread clock over the mark, keeps it through dips above half the mark, stops it under half', () => {
    expect(backpressure.unreadSince(100)).toBeNull();
    socket.bufferedAmount = 1001;
    expect(backpressure.unreadSince(200)).toBe(200);
    // A trickle read (or a little room in the kernel) lets the queue dip under the mark; it fills again.
    socket.bufferedAmount = 700;
    expect(backpressure.unreadSince(300)).toBe(200);
    socket.bufferedAmount = 1200;
    expect(backpressure.unreadSince(400)).toBe(200);
    socket.bufferedAmount = 500;
    expect(backpressure.unreadSince(500)).toBeNull();
  });

  it('lets a turn go on at once under the mark, and when the session ends', async () => {
    socket.bufferedAmount = 700;
    await backpressure.ready(new AbortController().signal);
    socket.bufferedAmount = 5000;
    const ended = new AbortController();
    const waiting = backpressure.ready(ended.signal);
    ended.abort();
    await waiting;
    expect(backpressure.unreadSince()).not.toBeNull();
  });
});
