/**
 * The turns of one session: at most one runs at a time (a new question or driven text interrupts it). Answer
 * turns ask the robot's brain with the session's conversation history and land in the analytics log; driven
 * turns speak text pushed piece by piece. The session (LiveSession) owns the socket; this only speaks through it.
 */
import { LIMITS, type ErrorCode, type LanguageCode, type Robot, type ServerMessage } from '@dhkit/protocol';
import type { BrainChunk } from '../adapters/brain/brain.js';
import { answerLanguage, fallbackAnswer } from '../adapters/brain/fallback.js';
import type { TextToSpeech } from '../adapters/tts/tts.js';
import { detectLanguage } from '../knowledge/language.js';
import type { RendererLink } from '../media/renderer-link.js';
import { DEFAULT_VOICES } from '../robots/robot.js';
import type { QuestionRecordInput } from '../store/store.js';
import { ConversationHistory } from '../turn/conversation-history.js';
import { DrivenTextSource } from '../turn/driven-text-source.js';
import { Turn, type TurnSink } from '../turn/turn.js';
import type { SessionServices } from './session-services.js';
import { QuestionObserver } from './question-observer.js';

/** Analytics rows one session may write (questions are rate limited too; this bounds a long flood's rows). */
const MAX_QUESTION_RECORDS_PER_SESSION = 200;

/** What the turns need from their session. */
export interface SessionTurnsHost {
  readonly id: string;
  readonly robot: Robot;
  /** The visitor's language now (it may change between turns). */
  readonly language: LanguageCode;
  readonly services: SessionServices;
  /** Livekit media mode: the renderer that speaks the turns instead of the browser (null: the browser plays). */
  readonly rendererLink: RendererLink | null;
  send(message: ServerMessage): void;
  sendError(code: ErrorCode, message?: string, chatId?: string): void;
  sendBinary(frame: Uint8Array): void;
  /** Resolves when the socket can take more audio (backpressure). */
  ready(signal: AbortSignal): Promise<void>;
  /** The visitor did something (the idle deadline moves). */
  touch(): void;
}

export class SessionTurns {
  private turn: Turn | null = null;
  private drivenSource: DrivenTextSource | null = null;
  /** Questions and answers so far, for LLM and webhook brains (in memory, gone with the session). */
  private readonly history = new ConversationHistory();
  /** Answer turns being watched for the analytics log. */
  private readonly questions = new WeakMap<Turn, QuestionObserver>();
  private questionRecords = 0;
  /** SPEECH_SYNTHESIS_FAILED went to the page already (once per session). */
  private speechFailureReported = false;
  private ttsEngine: TextToSpeech | null = null;

  constructor(private readonly host: SessionTurnsHost) {}

  /** This robot's speech engine, chosen once per session (sessions keep the settings they were admitted with). */
  private get tts(): TextToSpeech {
    this.ttsEngine ??= this.host.services.ttsFor(this.host.robot, this.host.id);
    return this.ttsEngine;
  }

  /** Starts an answer turn (interrupting a running one). */
  ask(chatId: string, rawText: string, receivedAt = performance.now(), extendParam?: Record<string, unknown>): void {
    const { robot, language } = this.host;
    const text = rawText.trim();
    if (text === '') return this.host.sendError('QUESTION_EMPTY', undefined, chatId);
    if ([...text].length > LIMITS.questionMaxChars) return this.host.sendError('QUESTION_TOO_LONG', undefined, chatId);
    this.interrupt();
    this.host.touch();
    const turn = this.newTurn(chatId, 'answer', answerLanguage(text, robot, language), receivedAt, text);
    const source = this.host.services.brainFor(robot).answer(text, {
      language,
      robot,
      signal: turn.signal,
      sessionId: this.host.id,
      chatId,
      history: this.history.recent(),
      extendParam,
    });
    this.runTurn(turn, this.observeQuestion(turn, chatId, text, source, receivedAt));
  }

  /**
   * Speaks text verbatim. Pieces with the chatId of the open driven turn continue it; `isLast` ends it.
   * Returns false (after sending an error) when the piece is refused.
   */
  drive(chatId: string, text: string, isLast: boolean): boolean {
    if ([...text].length > LIMITS.drivenTextMaxChars) {
      this.host.sendError('INVALID_REQUEST', `Driven text is limited to ${LIMITS.drivenTextMaxChars} characters.`, chatId);
      return false;
    }
    this.host.touch();
    if (this.openDrivenChatId === chatId) {
      this.drivenSource!.push(text, isLast);
      return true;
    }
    this.interrupt();
    const detected = detectLanguage(text);
    const language = text.trim() && this.host.robot.languages.includes(detected) ? detected : this.host.language;
    const turn = this.newTurn(chatId, 'driven', language, performance.now());
    const source = new DrivenTextSource();
    source.push(text, isLast);
    this.drivenSource = source;
    this.runTurn(turn, source);
    return true;
  }

  /** The chatId of the driven turn still waiting for more pieces, if any. */
  get openDrivenChatId(): string | null {
    if (this.turn && !this.turn.isEnded && this.turn.kind === 'driven' && this.drivenSource && !this.drivenSource.isClosed) {
      return this.turn.chatId;
    }
    return null;
  }

  /** Ends the running turn at once with `turnEnd {interrupted}`. */
  interrupt(): void {
    if (this.turn && !this.turn.isEnded) this.turn.interrupt();
    this.host.rendererLink?.interrupt();
    this.drivenSource?.push('', true);
    this.drivenSource = null;
    this.turn = null;
  }

  private newTurn(chatId: string, kind: 'answer' | 'driven', language: LanguageCode, startedAt: number, question?: string): Turn {
    const { host } = this;
    const robot = host.robot;
    const turn = new Turn({
      chatId,
      kind,
      language,
      startedAt,
      sink: host.rendererLink ? host.rendererLink.wrap(this.browserSink()) : this.browserSink(),
      tts: this.tts,
      audioLeadMs: host.services.timeouts.audioLeadMs,
      voiceFor: (lang) => robot.voices[lang] ?? DEFAULT_VOICES[lang],
      onFirstAudio: (ms) => {
        host.services.onFirstAudio?.(host.id, ms);
        this.questions.get(turn)?.firstAudio(ms);
      },
      onError: (error) => host.services.log.warn({ err: error, sessionId: host.id, chatId }, 'turn problem'),
      ...(question !== undefined && {
        fallbackAnswer: (lang: LanguageCode) => fallbackAnswer(robot, lang),
        pacify: robot.pacify,
        onFinished: (result: { text: string }) => this.history.add(question, result.text),
      }),
    });
    this.turn = turn;
    return turn;
  }

  /** Where a turn's messages and audio go when the browser plays them. */
  private browserSink(): TurnSink {
    return {
      sendMessage: (message) => {
        // A speech engine that fails once (missing, a voice it lacks) fails every turn: the visitor's page is told
        // once per session, the log hears about every turn.
        if (message.type === 'error' && message.code === 'SPEECH_SYNTHESIS_FAILED') {
          this.host.services.onSpeechFailure?.();
          if (this.speechFailureReported) return;
          this.speechFailureReported = true;
        }
        this.host.send(message);
      },
      sendBinary: (frame) => this.host.sendBinary(frame),
      ready: (signal) => this.host.ready(signal),
    };
  }

  /** Wraps an answer so its question lands in the analytics log when the turn ends. */
  private observeQuestion(
    turn: Turn,
    chatId: string,
    question: string,
    source: AsyncIterable<BrainChunk>,
    receivedAt: number,
  ): AsyncIterable<BrainChunk> {
    const { host } = this;
    if (!host.services.onQuestion) return source;
    const observer = new QuestionObserver(
      {
        robotId: host.robot.id,
        sessionId: host.id,
        chatId,
        question,
        language: answerLanguage(question, host.robot, host.language),
        brain: host.robot.brain.type,
      },
      receivedAt,
    );
    this.questions.set(turn, observer);
    return observer.observe(source);
  }

  private runTurn(turn: Turn, source: AsyncIterable<BrainChunk>): void {
    void turn.run(source).finally(() => {
      const observer = this.questions.get(turn);
      if (observer) this.recordQuestion(observer.record());
      if (this.turn === turn) {
        this.turn = null;
        this.drivenSource = null;
      }
      this.host.touch();
    });
  }

  /** Hands a question to the analytics log, at most MAX_QUESTION_RECORDS_PER_SESSION per session. */
  private recordQuestion(record: QuestionRecordInput): void {
    if (++this.questionRecords > MAX_QUESTION_RECORDS_PER_SESSION) {
      this.host.services.onQuestionDropped?.(record);
      return;
    }
    this.host.services.onQuestion?.(record);
  }
}
