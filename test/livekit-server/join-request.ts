import { JoinRequest, WrappedJoinRequest, WrappedJoinRequest_Compression } from '@livekit/protocol';
import { gunzipSync } from 'node:zlib';

/** A join request is a few kilobytes (mostly the offer's SDP); a bigger one is refused rather than inflated. */
const MAX_JOIN_REQUEST_BYTES = 1 << 20;

/**
 * The join request of LiveKit's single peer connection path (`/rtc/v1?join_request=…`): a `WrappedJoinRequest` in
 * URL-safe base64 (livekit-client swaps `+/` for `-_` and keeps the padding) whose `JoinRequest` is gzip-compressed
 * when the browser has `CompressionStream`. It carries what `/rtc` takes as separate query parameters (auto-subscribe,
 * reconnect and the participant's sid) and the client's first publisher offer. Undefined when it cannot be read.
 */
export function parseJoinRequest(param: string | null): JoinRequest | undefined {
  if (!param) return undefined;
  try {
    const wrapped = WrappedJoinRequest.fromBinary(Buffer.from(param.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
    const bytes =
      wrapped.compression === WrappedJoinRequest_Compression.GZIP
        ? gunzipSync(wrapped.joinRequest, { maxOutputLength: MAX_JOIN_REQUEST_BYTES })
        : wrapped.joinRequest;
    return JoinRequest.fromBinary(bytes);
  } catch {
    return undefined;
  }
}
