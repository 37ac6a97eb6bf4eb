/** LiveKit access tokens: the renderer publishes, the visitor only watches. */
import { AccessToken } from 'livekit-server-sdk';
import type { MediaConfig } from '@dhkit/protocol';

type LiveKitSettings = NonNullable<MediaConfig['livekit']>;

/** Tokens outlive the longest session a robot allows (plus slack); LiveKit checks them only at join. */
function ttlSeconds(maxSessionSeconds: number): number {
  return (maxSessionSeconds > 0 ? maxSessionSeconds : 86_400) + 300;
}

/** The renderer's token: publishes the avatar's tracks and its speech events. */
export function rendererToken(livekit: LiveKitSettings, room: string, identity: string, maxSessionSeconds: number): Promise<string> {
  const token = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, ttl: ttlSeconds(maxSessionSeconds) });
  token.addGrant({ roomJoin: true, room, canPublish: true, canPublishData: true, canSubscribe: false });
  return token.toJwt();
}

/**
 * How long a visitor's token can be used to join. The page joins right after admission; a joined participant's
 * reconnects use the tokens LiveKit refreshes for it. A token copied out of a page is worthless after this, and
 * at the session's end the visitor is removed from the room (livekit-room.ts).
 */
export const VISITOR_TOKEN_TTL_SECONDS = 300;

/**
 * The visitor's token: subscribe only. The visitor talks to the server over the session channel, never to
 * the room, so a page cannot publish into it (no media, no data that could pose as the renderer's).
 */
export function visitorToken(livekit: LiveKitSettings, room: string, identity: string): Promise<string> {
  const token = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, ttl: VISITOR_TOKEN_TTL_SECONDS });
  token.addGrant({ roomJoin: true, room, canSubscribe: true, canPublish: false, canPublishData: false });
  return token.toJwt();
}
