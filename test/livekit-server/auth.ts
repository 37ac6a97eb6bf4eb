import type { TokenVerifier } from 'livekit-server-sdk';

/** What a verified access token allows, with LiveKit's defaults (an unset permission is granted). */
export interface Admission {
  identity: string;
  name: string;
  room: string;
  canSubscribe: boolean;
  canPublish: boolean;
  canPublishData: boolean;
}

/** Why a token was refused; `status` is what LiveKit answers on `/rtc/validate` (401 bad token, 403 no grant). */
export class AdmissionError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Verifies a JWT minted by livekit-server-sdk's AccessToken with the given key/secret. `nowMs` is the test
 * server's clock, which a test may move ahead to expire tokens without waiting.
 */
export async function admit(verifier: TokenVerifier, token: string | null, nowMs = Date.now()): Promise<Admission> {
  if (!token) throw new AdmissionError(401, 'no access token');
  let claims: Awaited<ReturnType<TokenVerifier['verify']>>;
  try {
    claims = await verifier.verify(token);
  } catch (error) {
    throw new AdmissionError(401, `invalid token: ${(error as Error).message}`);
  }
  if (claims.exp !== undefined && claims.exp * 1000 <= nowMs) throw new AdmissionError(401, 'invalid token: token has expired');
  const grant = claims.video;
  if (!claims.sub) throw new AdmissionError(401, 'token has no identity');
  if (!grant?.roomJoin || !grant.room) throw new AdmissionError(403, 'token does not grant roomJoin for a room');
  return {
    identity: claims.sub,
    name: claims.name ?? '',
    room: grant.room,
    canSubscribe: grant.canSubscribe ?? true,
    canPublish: grant.canPublish ?? true,
    canPublishData: grant.canPublishData ?? true,
  };
}
