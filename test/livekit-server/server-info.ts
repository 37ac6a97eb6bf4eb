import { protoInt64, ServerInfo, ServerInfo_Edition } from '@livekit/protocol';
import { randomBytes } from 'node:crypto';

/** Reported in JoinResponse.serverInfo; livekit-client refuses a join without a version. */
export const SERVER_VERSION = '1.9.0';
const PROTOCOL_VERSION = 16;
export const PING_INTERVAL_S = 5;
export const PING_TIMEOUT_S = 15;

export type Log = (message: string) => void;

/** LiveKit-style ids: `RM_…` rooms, `PA_…` participants, `TR_…` tracks. */
export const newId = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;
export const nowSeconds = () => protoInt64.parse(Math.floor(Date.now() / 1000));

/** What the test server says about itself at join (with a node id) and at resume. */
export function serverInfo(nodeId?: string): ServerInfo {
  return new ServerInfo({ edition: ServerInfo_Edition.Standard, version: SERVER_VERSION, protocol: PROTOCOL_VERSION, nodeId });
}
