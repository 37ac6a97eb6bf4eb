import type { RoomOptions } from 'livekit-client';

/**
 * The options of every LiveKit room the SDK joins: the visitor's (livekit-surface.ts) and a renderer page's
 * (livekit-publisher.ts).
 * - No adaptive stream and no dynacast: one fixed-size avatar video, no layers to pick.
 * - Two peer connections (LiveKit's classic path), not livekit-client's default single one (`/rtc/v1`): every
 *   LiveKit server speaks the classic path, while a server without `/rtc/v1` makes the default first build a peer
 *   connection and an offer, get refused, ask `/rtc/validate` and start again, which `bench:livekit` measured as
 *   the larger half of the visitor's join (docs/livekit.md).
 */
export const LIVEKIT_ROOM_OPTIONS: Partial<RoomOptions> = { adaptiveStream: false, dynacast: false, singlePeerConnection: false };
