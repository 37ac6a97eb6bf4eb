/** What `startRenderer` takes and gives (reference-renderer.ts): its options, a session's start steps, the running renderer. */

export interface RendererOptions {
  port?: number;
  host?: string;
  /** Sessions at once (default 2). */
  capacity?: number;
  /** Required as `Authorization: Bearer` when set. */
  secret?: string;
  chromiumPath?: string;
  chromiumArgs?: string[];
  /**
   * The dhkit servers' public origins (their DHKIT_PUBLIC_URL): packs load from these only. Default: loopback
   * origins only (load-policy.ts).
   */
  serverOrigins?: string[];
  /** Run Chromium without its sandbox: only where the host cannot give it one (browser-launch.ts). */
  noSandbox?: boolean;
  /** The unprivileged account Chromium runs as when the renderer runs as root (default nobody). */
  browserUser?: string;
  /** Directory of the SDK build holding livekit-publisher.esm.js. */
  sdkDir: string;
  /** A session whose audio socket is not open this long after start (or after it closed) ends (default 15 s). */
  leaseMs?: number;
  /**
   * Pages kept open and ready, with the last session's avatar pack drawn, so that a session only joins its
   * room (default 1; never more than the free slots; 0: every session opens its page).
   */
  warmPages?: number;
  /**
   * Warm pages join the spare rooms session requests offer and publish there ahead of their session (default
   * true; docs/renderer-protocol.md). False keeps them idle until taken: no encoding while nobody watches, at the
   * cost of a join on the first frame's path.
   */
  joinSpareRooms?: boolean;
  log?: (line: string) => void;
  /** Each session's start, step by step, once it publishes (bench:livekit shows where the first frame's time goes). */
  onSessionStarted?: (steps: RendererStartSteps) => void;
}

/** When a session's start steps ended, in ms since the epoch. */
export interface RendererStartSteps {
  sessionId: string;
  /** The start request arrived. */
  requestedAt: number;
  /** A page was ours: a warm one taken, or a cold one opened. */
  claimedAt: number;
  /** Which page it got: `warm room` (publishing in a spare room already), `warm pack` (pack drawn), `warm page`, `cold page`. */
  page: string;
  /** The pack drawn on it. */
  drawnAt: number;
  /** The page joined the room. */
  joinedAt: number;
  /** Video and voice published: the start is answered. */
  publishedAt: number;
  /** The room it streams in (a spare room its page joined ahead, or the request's own). */
  room: string;
}

export interface RunningRenderer {
  url: string;
  /** Sessions running now, by id. */
  readonly active: ReadonlySet<string>;
  close(): Promise<void>;
}
