import { decodeAudioFrame, type ClientMessage, type LanguageCode, type SpeechMessage } from '@dhkit/protocol';
import { isViseme, type AvatarState, type VisemeCue } from '../avatar/avatar-surface.js';
import type { StreamedAvatar } from '../avatar/livekit-surface.js';
import { AudioPlayer } from '../playback/audio-player.js';
import { ChatState } from './chat-state.js';
import { DHKitError } from './errors.js';
import type { DigitalHumanEventMap } from './events.js';
import type { Logger } from './logger.js';
import type { TurnMessageHandlers } from './server-messages.js';
import type { DigitalHumanView } from './view.js';

/** The public events that come from the conversation. */
type ConversationEventName = 'semanticRecognized' | 'speechRecognized' | 'speakingStart' | 'speakingStop';

export interface ConversationHost {
  /** A public event, typed from the digital human's event map. */
  emit<K extends ConversationEventName>(event: K, payload: DigitalHumanEventMap[K]): void;
  /** Something happened (an answer, speech): the idle countdown restarts. */
  activity(): void;
  /** What the avatar shows may have changed (speaking, thinking). */
  stateChanged(): void;
  view: Pick<DigitalHumanView, 'speaking' | 'showClause' | 'clearClauseSoon' | 'addAnswer' | 'endAnswer'>;
  /** The renderer's stream in media mode `livekit`, else null. */
  streamed(): StreamedAvatar | null;
  /** Sends on the channel; false when it is not open. */
  send(message: ClientMessage): boolean;
  /** The audio playback was made (on its first use): it takes the mute setting and drives the mouth. Returns it. */
  audioMade(player: AudioPlayer): AudioPlayer;
  /** Timings from the speech engine that drive the mouth. */
  visemes(cues: VisemeCue[] | null): void;
  language(): LanguageCode | undefined;
  log: Logger;
}

/**
 * The conversation of one digital human: questions and driven text up, answers (text, audio, captions) down,
 * interrupts, and what to drop when the channel is lost or resumed. Owns the audio playback.
 */
export class Conversation implements TurnMessageHandlers {
  private audio?: AudioPlayer;
  private readonly chats = new ChatState();

  constructor(private readonly host: ConversationHost) {}

  /**
   * The audio playback, made on first use: once the session is ready (digital-human-session.ts), or sooner when
   * something needs it. Never inside create(): a browser's first AudioContext starts its audio service and holds
   * the main thread a while, which a cold create() would wait for.
   */
  get player(): AudioPlayer {
    const host = this.host;
    return (this.audio ??= host.audioMade(
      new AudioPlayer(
        // No check that AudioContext exists: create() refused a browser without one (checkBrowserSupport).
        new AudioContext({ latencyHint: 'interactive' }),
        {
          speakingStart: (chatId) => this.handleSpeakingStart(chatId),
          speakingStop: (chatId) => this.handleSpeakingStop(chatId),
          clauseStart: (_chatId, _clauseId, text) => host.view.showClause?.(text),
          // Names outside the viseme set are dropped.
          visemes: (cues) => host.visemes(cues ? cues.filter((cue): cue is VisemeCue => isViseme(cue.viseme)) : null),
        },
        host.log,
      ),
    ));
  }

  /** Whether the avatar is audible (barge-in applies). */
  get avatarSpeaking(): boolean {
    return this.chats.speaking.size > 0 || this.player.activeChatIds.length > 0;
  }

  avatarState(asleep: boolean, listening: boolean): AvatarState {
    return this.chats.avatarState(asleep, listening);
  }

  /** Sends a question (typed, or recognised in the browser); the avatar stops and thinks until the answer. */
  ask(chatId: string, text: string, extendParam?: Record<string, unknown>): string {
    this.player.resume();
    this.interrupt(false);
    const message = { type: 'question' as const, chatId, text, ...(extendParam ? { extendParam } : {}) };
    this.sendOrThrow(message);
    this.chats.asked(message);
    this.changed();
    return chatId;
  }

  /** One piece of driven text; the first piece of an utterance interrupts and opens its chat. */
  drive(text: string, isLast: boolean, newChatId: () => string): string {
    this.player.resume();
    if (!this.chats.drivenChatId) {
      this.interrupt(false);
      this.chats.startDriven(newChatId());
    }
    const chatId = this.chats.drivenChatId!;
    this.sendOrThrow({ type: 'drivenText', chatId, text, isLast });
    if (isLast) this.chats.drivenChatId = null;
    return chatId;
  }

  /** Stops every active chat locally; tells the server when something was going on (or `always`). */
  interrupt(always: boolean): void {
    const active = this.chats.pending.size > 0 || this.chats.speaking.size > 0 || this.player.activeChatIds.length > 0;
    if (active || always) this.host.send({ type: 'interrupt' });
    this.cutOff(this.chats.reset());
    this.host.view.endAnswer?.();
    this.changed();
  }

  /** An utterance went up to the server's recognition: the avatar thinks until its answer. */
  handleUtteranceSent(chatId: string): void {
    this.chats.thinkingChatId = chatId;
    this.changed();
  }

  handleTurnStart(chatId: string): void {
    this.chats.handleTurnStart(chatId, this.player.isInterrupted(chatId));
  }

  handleSemantic(chatId: string, text: string, isLast: boolean): void {
    if (this.player.isInterrupted(chatId)) return;
    this.host.view.addAnswer?.(chatId, text, isLast);
    this.host.emit('semanticRecognized', { chatId, text, isLast });
  }

  handleSpeech(message: SpeechMessage): void {
    this.player.announceClause(message);
  }

  handleAudioFrame(bytes: Uint8Array): void {
    const frame = decodeAudioFrame(bytes);
    if (!frame) {
      this.host.log.warn('ignored a malformed binary frame');
      return;
    }
    this.player.enqueue(frame);
  }

  handleTurnEnd(chatId: string): void {
    this.chats.handleTurnEnd(chatId);
    this.player.endChat(chatId);
    this.host.streamed()?.turnEnded(chatId);
    this.changed();
  }

  handleSpeechRecognized(chatId: string, text: string, isLast: boolean): void {
    this.host.emit('speechRecognized', { chatId, text, isLast });
    if (isLast && text === '' && this.chats.handleNothingHeard(chatId)) this.changed();
  }

  handleSpeakingStart(chatId: string): void {
    this.host.activity();
    this.chats.handleSpeakingStart(chatId);
    this.host.view.speaking = true;
    this.changed();
    this.host.emit('speakingStart', { chatId });
  }

  handleSpeakingStop(chatId: string): void {
    this.host.activity();
    if (this.chats.handleSpeakingStop(chatId)) {
      this.host.view.speaking = false;
      this.host.view.clearClauseSoon?.();
    }
    this.changed();
    this.host.emit('speakingStop', { chatId });
  }

  /** The channel dropped and is being reopened: what was playing belongs to a turn the server cancelled. */
  handleChannelResuming(): void {
    this.cutOff(this.chats.reset({ keepUnanswered: true }));
    this.changed();
  }

  /** The channel is back: the question that never got its turn is asked again, same chatId. */
  handleChannelResumed(): void {
    const question = this.chats.unansweredQuestion;
    if (!question) return;
    this.sendOrThrow(question);
    this.chats.asked(question);
    this.changed();
  }

  /** The session is over: everything stops; playback closes. */
  handleSessionOver(): void {
    this.cutOff(this.chats.reset(), { stream: false });
    void this.close();
  }

  /** Closes the playback, if it was made. */
  async close(): Promise<void> {
    await this.audio?.close();
  }

  /** Silences `chatIds` (and, unless told otherwise, the stream: the server cuts the renderer too). */
  private cutOff(chatIds: Set<string>, options: { stream?: boolean } = {}): void {
    this.player.interrupt(chatIds);
    if (options.stream !== false) this.host.streamed()?.interrupt();
    this.host.view.speaking = false;
    this.host.view.showClause?.('');
  }

  private sendOrThrow(message: ClientMessage): void {
    if (!this.host.send(message)) throw DHKitError.fromCode('NETWORK_ERROR', this.host.language());
  }

  private changed(): void {
    this.host.stateChanged();
  }
}
