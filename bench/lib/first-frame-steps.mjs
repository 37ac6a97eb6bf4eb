// Where create() → first streamed frame goes, step by step (bench/livekit.mjs). Every party says when its
// steps ended, in ms since the epoch: the renderer (its onSessionStarted), the visitor's page (resource timing
// of the admission request and the LiveKit chunk, and the streamed avatar's `startup`), and the LiveKit test
// double (its log lines, stamped as they come). One machine, so one clock.
import { summary } from './stats.mjs';

/**
 * The steps in the order they happen, each as the milestone that ends it. There is no step of its own for the
 * room: LiveKit creates it when the renderer joins (inside `rendererJoin`), and the server mints both tokens in
 * well under a millisecond (inside `serverBeforeRenderer`).
 */
const STEPS = [
  // create() → the renderer gets the start request: the SDK's admission request, the once-code, the lease, the
  // renderer's free-slot check, the tokens.
  ['serverBeforeRenderer', (m) => m.rendererRequested],
  ['rendererPageClaim', (m) => m.rendererClaimed], // a warm page taken (or a cold one opened)
  ['rendererDraw', (m) => m.rendererDrawn], // the pack drawn on it (nothing to do on a page that drew it)
  ['rendererJoin', (m) => m.rendererJoined], // the renderer's page joins the room
  ['rendererPublish', (m) => m.rendererPublished], // video and voice published: the renderer answers
  ['admissionAnswer', (m) => m.admitted], // the server answers the page
  ['sdkChunk', (m) => m.sdkConnecting], // the LiveKit chunk loaded and ran
  ['visitorJoin', (m) => m.sdkJoined], // the visitor joins the room (signalling)
  ['videoSubscribed', (m) => m.videoSubscribed], // the visitor's media connection is up, the track arrives
  ['firstKeyframe', (m) => m.playing], // the first keyframe arrives and is decoded: the video plays
  // The page presents that frame (its first video frame callback). create() resolves about then too, off this path:
  // sinceCreateMs.created.
  ['firstFramePresented', (m) => m.firstFrame],
];

/**
 * The visitor's join (`visitorJoin`: the chunk's connect() → connected) step by step, from the test double's log:
 * each step as the line that ends it (`who` is the visitor's identity), after the one before it. Two paths: the single
 * peer connection path /rtc/v1 (what a current LiveKit serves, and the double by default), and the classic one after
 * /rtc/v1 was refused (an older LiveKit; BENCH_V1=0).
 */
const V1_JOIN_STEPS = [
  ['signalJoin', (who) => `${who} joins `], // the client's connection and its offer made ready, the join request read
  ['answer', (who) => `${who} publisher answer sent`], // the double's answer, the published tracks on the offer's sections
  ['ice', (who) => `${who} publisher ICE connected`], // the browser's connectivity checks
  ['dtls', (who) => `${who} publisher connected`], // the DTLS handshake
];
const CLASSIC_JOIN_STEPS = [
  // livekit-client first tries LiveKit's single peer connection path, /rtc/v1 (a publisher connection and its offer
  // made ready to go with the join); the double refuses it, as a LiveKit server older than that path does.
  ['v1Refused', (who) => `${who} refused /rtc/v1`],
  ['signalJoin', (who) => `${who} joins `], // /rtc/validate, then the dual peer connection path /rtc and the join
  ['subscriberOffer', (who) => `${who} subscriber offer sent`], // the double's offer, its candidates gathered
  ['clientAnswer', (who) => `${who} subscriber answer received`], // the browser's peer connection and its answer
  ['ice', (who) => `${who} subscriber ICE connected`], // the browser's connectivity checks
  ['dtls', (who) => `${who} subscriber connected`], // the DTLS handshake
];

/** The double's log lines the steps above end with. */
const JOIN_LINE = / joins | publishes | refused \/rtc\/v1$| (subscriber|publisher) (offer sent|answer \w+|ICE connected|connected)$/;

/** Collects what the renderer and the test double tell, by session and room. */
export class FirstFrameSteps {
  renderer = new Map();
  livekitLog = [];
  runs = [];

  /** For startRenderer({onSessionStarted}). */
  rendererStarted = (steps) => this.renderer.set(steps.sessionId, steps);

  /** For the test double's `log`: keeps the lines of joins, stamped. */
  livekitLine = (line) => {
    if (JOIN_LINE.test(line)) this.livekitLog.push({ at: Date.now(), line });
  };

  /** One visit's milestones, from what its page measured (`page`: epoch times) and what the others said. */
  add(sessionId, page) {
    const renderer = this.renderer.get(sessionId) ?? {};
    const room = renderer.room ?? `dhkit-${sessionId}`; // a spare room the renderer had joined ahead, or the session's
    const joined = (who) => this.livekitLog.find(({ line }) => line.startsWith(who) && line.includes(` joins ${room}`))?.at;
    const milestones = {
      rendererRequested: renderer.requestedAt,
      rendererClaimed: renderer.claimedAt,
      rendererDrawn: renderer.drawnAt,
      rendererJoined: renderer.joinedAt,
      rendererPublished: renderer.publishedAt,
      admitted: page.admittedAt,
      sdkConnecting: page.startup.connectingAt,
      sdkJoined: page.startup.joinedAt,
      videoSubscribed: page.startup.videoAt,
      playing: page.startup.playingAt,
      created: page.createdAt,
      chunkRequested: page.chunkRequestedAt,
      chunkLoaded: page.chunkLoadedAt,
      firstFrame: page.firstFrameAt,
    };
    this.runs.push({
      joinSteps: this.joinSteps(room, page.startup),
      startedAt: page.startedAt,
      milestones,
      page: renderer.page,
      doubleSawRendererJoin: joined('dhkit-renderer'),
      doubleSawVisitorJoin: joined('visitor-'),
    });
  }

  /** The visitor's join in `room`, step by step (ms), from the double's log lines after the chunk's connect(). */
  joinSteps(room, startup) {
    const who = this.livekitLog.find(({ line }) => line.startsWith('visitor-') && line.endsWith(` joins ${room}`))?.line.split(' ')[0];
    if (!who || !startup.connectingAt || !startup.joinedAt) return null;
    const steps = {};
    let from = startup.connectingAt;
    const refused = this.livekitLog.some(({ at, line }) => at >= from && line === `${who} refused /rtc/v1`);
    for (const [name, text] of refused ? CLASSIC_JOIN_STEPS : V1_JOIN_STEPS) {
      const end = this.livekitLog.find(({ at, line }) => at >= from && line.startsWith(text(who)))?.at;
      if (!end) return null;
      steps[name] = end - from;
      from = end;
    }
    steps.clientConnected = startup.joinedAt - from; // the client learns it and connect() resolves
    return steps;
  }

  /** Per step: its duration over the runs (p50, p95, …), and each milestone's time since create(). */
  summary() {
    const steps = {};
    let previous = null;
    for (const [name, milestone] of STEPS) {
      const from = previous;
      const values = this.runs
        .map((run) => {
          const end = milestone(run.milestones);
          const start = from ? from(run.milestones) : run.startedAt;
          return end && start ? end - start : NaN;
        })
        .filter(Number.isFinite);
      steps[name] = summary(values, 0);
      previous = milestone;
    }
    const since = (at) => this.runs.map((run) => at(run) - run.startedAt).filter(Number.isFinite);
    const joins = this.runs.map((run) => run.joinSteps).filter(Boolean);
    const visitorJoinStepMs = {};
    const names = new Set([...V1_JOIN_STEPS, ...CLASSIC_JOIN_STEPS].map(([step]) => step));
    for (const name of [...names, 'clientConnected']) {
      visitorJoinStepMs[name] = summary(
        joins.map((join) => join[name]).filter(Number.isFinite), // a step of the other path is absent
        0,
      );
    }
    // Milestones since create(), by the name the JSON gives them: `chunkRan` is the chunk's connect().
    const sinceCreate = {
      rendererRequested: (run) => run.milestones.rendererRequested,
      rendererPublished: (run) => run.milestones.rendererPublished,
      admitted: (run) => run.milestones.admitted,
      chunkRequested: (run) => run.milestones.chunkRequested,
      chunkLoaded: (run) => run.milestones.chunkLoaded,
      chunkRan: (run) => run.milestones.sdkConnecting,
      livekitSawVisitorJoin: (run) => run.doubleSawVisitorJoin,
      playing: (run) => run.milestones.playing,
      created: (run) => run.milestones.created,
    };
    const sinceCreateMs = {};
    for (const [name, at] of Object.entries(sinceCreate)) sinceCreateMs[name] = summary(since(at), 0);
    return {
      stepMs: steps,
      visitorJoinStepMs,
      sinceCreateMs,
      rendererPages: this.runs.map((run) => run.page ?? 'unknown'),
    };
  }
}
