import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { SocketBackpressure } from './backpressure.js';
import { DEFAULT_SESSION_TIMEOUTS, expiredCause, expiryCheckAt, type SessionClock } from './session-timeouts.js';

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

  it('tells its session once when the client stops reading, so the sweep looks at it by its SLOW_READER deadline', () => {
    const queue = { bufferedAmount: 0 };
    let told = 0;
    const watched = new SocketBackpressure({ socket: () => queue as WebSocket, highWaterBytes: 1000, onOver: () => told++ });
    queue.bufferedAmount = 2000;
    const since = watched.unreadSince(10_000);
    watched.unreadSince(10_500);
    expect(told).toBe(1);
    // A pinging client: its lease deadline is far; the slow-reader deadline comes first and is due then.
    const session: SessionClock = {
      robot: { maxSessionSeconds: 0, idleTimeoutSeconds: 0 },
      createdAt: 0,
      lastSeen: 10_500,
      lastActivity: 10_500,
      wasConnected: true,
      unreadSince: since,
    };
    const at = expiryCheckAt(session, DEFAULT_SESSION_TIMEOUTS);
    expect(at).toBe(10_000 + DEFAULT_SESSION_TIMEOUTS.slowReaderMs);
    expect(at).toBeLessThan(session.lastSeen + DEFAULT_SESSION_TIMEOUTS.leaseTtlMs);
    expect(expiredCause({ ...session, lastSeen: at }, DEFAULT_SESSION_TIMEOUTS, at)).toBe('SLOW_READER');
  });
});
