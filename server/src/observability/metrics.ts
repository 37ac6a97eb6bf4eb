/**
 * The server's Prometheus metrics (prom-client), one registry per app so that several apps in one process (tests,
 * the worker cluster) never share counters. Parts of the server report through the small `record*` methods; the
 * gauges that describe the present (live sessions, leases per robot) are read when /metrics is scraped — the leases
 * from the store, so that every process of a PostgreSQL cluster reports the same cluster-wide count.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { registerLiveGauges, type LiveSessionView } from './live-gauges.js';

/** Seconds: question → first audio, brain answer time. Tuned around the 80 ms first-audio target. */
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.08, 0.1, 0.15, 0.25, 0.5, 1, 2, 5, 10];

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly admitted: Counter<'robot'>;
  private readonly refused: Counter<'code'>;
  private readonly turns: Counter<'brain' | 'answered'>;
  private readonly firstAudio: Histogram<string>;
  private readonly brainLatency: Histogram<'brain'>;
  private readonly brainFailures: Counter<'brain'>;
  private readonly ttsFailures: Counter<string>;
  private readonly channelMessages: Counter<'direction'>;
  private readonly storeErrors: Counter<string>;
  private readonly adminChanges: Counter<'action'>;

  /**
   * `liveSessions` lists this process's live sessions when scraped; `leasesByRobot` counts the leases held in the
   * store (all processes sharing it) per robot.
   */
  constructor(
    liveSessions: () => readonly LiveSessionView[],
    leasesByRobot: () => Promise<ReadonlyMap<string, number>>,
    options: { processMetrics?: boolean } = {},
  ) {
    const registers = [this.registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'dhkit_' });
    registerLiveGauges(this.registry, liveSessions, leasesByRobot, () => this.storeErrors.inc());
    this.admitted = new Counter({ name: 'dhkit_sessions_admitted_total', help: 'Sessions admitted.', labelNames: ['robot'], registers });
    this.refused = new Counter({
      name: 'dhkit_sessions_refused_total',
      help: 'Admissions refused, by error code.',
      labelNames: ['code'],
      registers,
    });
    this.turns = new Counter({
      name: 'dhkit_turns_total',
      help: 'Visitor questions answered (a turn ended), by brain type and whether the brain had an answer.',
      labelNames: ['brain', 'answered'],
      registers,
    });
    this.firstAudio = new Histogram({
      name: 'dhkit_question_first_audio_seconds',
      help: 'Question received → first audio frame sent.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.brainLatency = new Histogram({
      name: 'dhkit_brain_answer_seconds',
      help: 'Question → first audio of answered questions, by brain type (the brain dominates it).',
      labelNames: ['brain'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.brainFailures = new Counter({
      name: 'dhkit_brain_unanswered_total',
      help: 'Questions the brain declined or failed (fallback or suggestion given), by brain type.',
      labelNames: ['brain'],
      registers,
    });
    this.ttsFailures = new Counter({ name: 'dhkit_tts_failures_total', help: 'Clauses whose speech synthesis failed.', registers });
    this.channelMessages = new Counter({
      name: 'dhkit_channel_messages_total',
      help: 'Channel (WebSocket) text messages, by direction.',
      labelNames: ['direction'],
      registers,
    });
    this.storeErrors = new Counter({
      name: 'dhkit_store_errors_total',
      help: 'Requests refused with SERVER_BUSY because the store was unavailable.',
      registers,
    });
    this.adminChanges = new Counter({
      name: 'dhkit_admin_changes_total',
      help: 'Admin changes recorded in the audit log, by action.',
      labelNames: ['action'],
      registers,
    });
  }

  recordAdmission(robotId: string): void {
    this.admitted.inc({ robot: robotId });
  }

  recordRefusal(code: string): void {
    this.refused.inc({ code });
  }

  recordTurn(turn: { brain: string; answered: boolean; latencyMs: number | null }): void {
    this.turns.inc({ brain: turn.brain, answered: String(turn.answered) });
    if (!turn.answered) this.brainFailures.inc({ brain: turn.brain });
    else if (turn.latencyMs !== null) this.brainLatency.observe({ brain: turn.brain }, turn.latencyMs / 1000);
  }

  recordFirstAudio(ms: number): void {
    this.firstAudio.observe(ms / 1000);
  }

  recordTtsFailure(): void {
    this.ttsFailures.inc();
  }

  recordChannelMessage(direction: 'in' | 'out'): void {
    this.channelMessages.inc({ direction });
  }

  recordStoreError(): void {
    this.storeErrors.inc();
  }

  recordAdminChange(action: string): void {
    this.adminChanges.inc({ action });
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
