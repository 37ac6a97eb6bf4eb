/**
 * The session's LiveKit room seen from the server API: when a session ends, its visitor is removed from the
 * room (RoomService.RemoveParticipant), so a page that keeps its token cannot go on watching after a kick or
 * an end. (The token itself is short-lived too: media/livekit-tokens.ts.)
 */
import type { MediaConfig } from '@dhkit/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { RoomServiceClient } from 'livekit-server-sdk';

type LiveKitSettings = NonNullable<MediaConfig['livekit']>;

/** LiveKit's API is HTTP on the signalling URL's host (`wss://lk.example.com` → `https://lk.example.com`). */
function apiUrl(livekitUrl: string): string {
  return livekitUrl.replace(/^ws(s?):\/\//i, 'http$1://');
}

/** Removes `identity` from `room`; a visitor who never joined or already left is fine, anything else is logged. */
export async function removeFromRoom(livekit: LiveKitSettings, room: string, identity: string, log: FastifyBaseLogger): Promise<void> {
  const client = new RoomServiceClient(apiUrl(livekit.url), livekit.apiKey, livekit.apiSecret, { requestTimeout: 5 });
  try {
    await client.removeParticipant(room, identity);
  } catch (error) {
    const notThere = /not.?found|does not exist/i.test(String((error as Error).message));
    if (!notThere) log.warn({ err: error, room }, 'could not remove the visitor from the LiveKit room');
  }
}
