import { DisconnectReason, LeaveRequest, LeaveRequest_Action, type SessionDescription, SignalResponse } from '@livekit/protocol';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { admit, AdmissionError, type Admission } from './auth.js';
import { parseJoinRequest } from './join-request.js';
import type { Participant } from './participant.js';
import { Room } from './room.js';
import type { Log } from './server-info.js';
import { LOOPBACK } from './rtc.js';

const TEST_API_KEY = 'devkey';
const TEST_API_SECRET = 'secret-for-the-livekit-test-server-only';
/** How long a refreshed token is valid (LiveKit's own refresh interval is minutes; any span past a test works). */
const REFRESHED_TOKEN_TTL_S = 600;

export interface LiveKitTestServerOptions {
  apiKey?: string;
  apiSecret?: string;
  /** Default 0: a random free port on 127.0.0.1. */
  port?: number;
  /** Debug lines; silent by default. */
  log?: Log;
  /**
   * Default true: the single peer connection path `/rtc/v1` is served (as by LiveKit ≥ 1.9.2 and LiveKit Cloud).
   * false: refused with 404, as a LiveKit server older than that path does, so the client falls back to `/rtc`.
   */
  singlePeerConnection?: boolean;
  /**
   * How often a publisher is asked for a keyframe besides the requests a subscriber's connection and its own asks bring
   * (default 1000 ms; 0: never, to test that those alone bring the picture).
   */
  keyframeIntervalMs?: number;
}

export interface LiveKitTestServer {
  /** `ws://127.0.0.1:PORT`, what livekit-client's `room.connect(url, token)` takes. */
  url: string;
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  room(name: string): Room | undefined;
  participant(room: string, identity: string): Participant | undefined;
  /** Closes a participant's signal socket from the server side (a network drop), to exercise resume. */
  dropSignal(room: string, identity: string): void;
  /** Sends LeaveRequest{action: RECONNECT}: the client drops everything and joins again. */
  requestReconnect(room: string, identity: string): void;
  /**
   * Moves the server's clock ahead (tokens expire as if that time had passed) and, as LiveKit does for
   * connected participants over time, sends each a refreshed token for its reconnects.
   */
  advanceClock(seconds: number): Promise<void>;
  /** Server-originated reliable data to a room (optionally to some identities only). */
  sendData(room: string, payload: Uint8Array, topic?: string, identities?: string[]): void;
  close(): Promise<void>;
}

/**
 * A LiveKit-protocol test double: enough of livekit-server's signalling for the real livekit-client to join,
 * subscribe, exchange data, resume and reconnect. Not a server.
 *
 * livekit-client ≥ 2.16 first tries `/rtc/v1` (one peer connection both ways, the join request and the first
 * publisher offer in the URL); the double serves it, or refuses it with 404 (`singlePeerConnection: false`) as a
 * LiveKit server older than v1 does, and the client falls back to the dual peer connection path `/rtc`, which the
 * double serves too (with `/rtc/validate`).
 */
export async function startLiveKitTestServer(options: LiveKitTestServerOptions = {}): Promise<LiveKitTestServer> {
  const apiKey = options.apiKey ?? TEST_API_KEY;
  const apiSecret = options.apiSecret ?? TEST_API_SECRET;
  const log: Log = options.log ?? (() => undefined);
  const servesV1 = options.singlePeerConnection ?? true;
  const signalPaths = servesV1 ? ['/rtc', '/rtc/v1'] : ['/rtc'];
  const verifier = new TokenVerifier(apiKey, apiSecret);
  const rooms = new Map<string, Room>();
  const sockets = new WebSocketServer({ noServer: true });
  let clockOffsetMs = 0;
  const now = () => Date.now() + clockOffsetMs;
  /** What livekit-server sends as `refreshToken`: the same grants, valid from the server's now. */
  const refreshedToken = (admission: Admission) => {
    const token = new AccessToken(apiKey, apiSecret, {
      identity: admission.identity,
      name: admission.name,
      ttl: REFRESHED_TOKEN_TTL_S + Math.ceil(clockOffsetMs / 1000),
    });
    token.addGrant({
      roomJoin: true,
      room: admission.room,
      canSubscribe: admission.canSubscribe,
      canPublish: admission.canPublish,
      canPublishData: admission.canPublishData,
    });
    return token.toJwt();
  };
  const sendRefreshedToken = async (participant: Participant) =>
    participant.send({ case: 'refreshToken', value: await refreshedToken(participant.admission) });

  const http = createServer((request, response) => void onHttp(request, response));

  async function onHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://x');
    response.setHeader('access-control-allow-origin', '*');
    if (url.pathname === '/') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    if (signalPaths.some((path) => url.pathname === `${path}/validate`)) {
      try {
        await admit(verifier, url.searchParams.get('access_token'), now());
        return void response.writeHead(200, { 'content-type': 'text/plain' }).end('success');
      } catch (error) {
        const status = error instanceof AdmissionError ? error.status : 500;
        return void response.writeHead(status, { 'content-type': 'text/plain' }).end((error as Error).message);
      }
    }
    if (request.method === 'POST' && url.pathname === '/twirp/livekit.RoomService/RemoveParticipant') {
      return removeParticipant(request, response);
    }
    // Includes a refused /rtc/v1/validate: "not found" (without "room does not exist") sends the client to /rtc.
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  /** RoomService.RemoveParticipant as Twirp JSON (what livekit-server-sdk's RoomServiceClient sends). */
  async function removeParticipant(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const twirpError = (status: number, code: string, msg: string) =>
      void response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, msg }));
    let body = '';
    for await (const chunk of request) body += chunk;
    let target: { room?: string; identity?: string };
    try {
      target = JSON.parse(body);
    } catch {
      return twirpError(400, 'malformed', 'JSON body expected');
    }
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const claims = token ? await verifier.verify(token).catch(() => null) : null;
    if (!claims) return twirpError(401, 'unauthenticated', 'invalid token');
    if (!claims.video?.roomAdmin || claims.video.room !== target.room) return twirpError(403, 'permission_denied', 'roomAdmin needed');
    const participant = find(target.room ?? '', target.identity ?? '');
    if (!participant) return twirpError(404, 'not_found', 'participant not found');
    rooms.get(target.room!)!.remove(participant, DisconnectReason.PARTICIPANT_REMOVED);
    log(`${target.identity} removed from ${target.room}`);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    void onUpgrade(request, socket, head);
  });

  async function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://x');
    const refuse = (status: number, message: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\ncontent-type: ` +
          `text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\nconnection: close\r\n\r\n${message}`,
      );
    };
    if (!signalPaths.includes(url.pathname)) {
      // /rtc/v1 when the double plays a LiveKit server older than that path (singlePeerConnection: false).
      if (url.pathname === '/rtc/v1') log(`${unverifiedIdentity(url.searchParams.get('access_token'))} refused /rtc/v1`);
      return refuse(404, 'not found');
    }
    const v1 = url.pathname === '/rtc/v1';
    const joinRequest = v1 ? parseJoinRequest(url.searchParams.get('join_request')) : undefined;
    if (v1 && !joinRequest) return refuse(400, 'join_request missing or unreadable');
    let admission: Admission;
    try {
      admission = await admit(verifier, url.searchParams.get('access_token'), now());
    } catch (error) {
      return refuse(error instanceof AdmissionError ? error.status : 500, (error as Error).message);
    }
    // /rtc takes these as query parameters; /rtc/v1 has them in its join request.
    const join: SignalJoin = joinRequest
      ? {
          reconnect: joinRequest.reconnect,
          sid: joinRequest.participantSid || null,
          autoSubscribe: joinRequest.connectionSettings?.autoSubscribe ?? true,
          offer: joinRequest.publisherOffer,
          singlePeerConnection: true,
        }
      : {
          reconnect: url.searchParams.get('reconnect') === '1',
          sid: url.searchParams.get('sid'),
          autoSubscribe: url.searchParams.get('auto_subscribe') !== '0',
          singlePeerConnection: false,
        };
    sockets.handleUpgrade(request, socket, head, (ws) => void onSignalSocket(ws, admission, join));
  }

  async function onSignalSocket(
    ws: WebSocket,
    admission: Admission,
    { reconnect, sid, autoSubscribe, offer, singlePeerConnection }: SignalJoin,
  ) {
    let room = rooms.get(admission.room);
    if (reconnect) {
      const participant = sid ? room?.participants.get(sid) : undefined;
      if (participant && participant.identity === admission.identity) {
        log(`${admission.identity} resumes in ${admission.room}`);
        participant.resume(ws);
        return;
      }
      // Unknown session (server restarted, participant gone): LiveKit sends a leave, and the client
      // then does a full reconnect with a new join.
      log(`${admission.identity} cannot resume ${sid}; asking for a full reconnect`);
      ws.send(
        new SignalResponse({
          message: {
            case: 'leave',
            value: new LeaveRequest({ action: LeaveRequest_Action.RECONNECT, reason: DisconnectReason.STATE_MISMATCH }),
          },
        }).toBinary(),
      );
      ws.close(1000, 'unknown session');
      return;
    }
    if (!room) {
      room = new Room(admission.room, log, options.keyframeIntervalMs ?? 1000);
      rooms.set(admission.room, room);
    }
    log(`${admission.identity} joins ${admission.room}`);
    const joined = await room
      .join(admission, ws, autoSubscribe, singlePeerConnection, offer)
      .catch((error) => log(`join failed: ${(error as Error).stack}`));
    if (joined) await sendRefreshedToken(joined);
  }

  await new Promise<void>((resolve) => http.listen(options.port ?? 0, LOOPBACK, resolve));
  const port = (http.address() as AddressInfo).port;

  const find = (room: string, identity: string) => [...(rooms.get(room)?.participants.values() ?? [])].find((p) => p.identity === identity);

  return {
    url: `ws://${LOOPBACK}:${port}`,
    httpUrl: `http://${LOOPBACK}:${port}`,
    apiKey,
    apiSecret,
    room: (name) => rooms.get(name),
    participant: find,
    dropSignal(room, identity) {
      const participant = find(room, identity);
      if (!participant) throw new Error(`no participant ${identity} in ${room}`);
      participant.dropSignal();
    },
    requestReconnect(room, identity) {
      const participant = find(room, identity);
      if (!participant) throw new Error(`no participant ${identity} in ${room}`);
      participant.requestReconnect();
    },
    async advanceClock(seconds) {
      clockOffsetMs += seconds * 1000;
      for (const room of rooms.values()) for (const participant of room.participants.values()) await sendRefreshedToken(participant);
    },
    sendData(room, payload, topic, identities) {
      rooms.get(room)?.sendData(payload, topic, identities);
    },
    async close() {
      for (const room of rooms.values()) for (const participant of [...room.participants.values()]) room.remove(participant);
      rooms.clear();
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A signal connection's join, from `/rtc`'s query parameters or `/rtc/v1`'s join request. */
interface SignalJoin {
  reconnect: boolean;
  sid: string | null;
  autoSubscribe: boolean;
  offer?: SessionDescription;
  singlePeerConnection: boolean;
}

/** Who a token names, unverified: only for the log line of a refused request. */
function unverifiedIdentity(token: string | null): string {
  try {
    return String(JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString()).sub);
  } catch {
    return 'someone';
  }
}
