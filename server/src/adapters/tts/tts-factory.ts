/**
 * Picks the speech engine for a robot from its `tts` setting and wraps it in the robot's pronunciation
 * lexicon. espeak-ng is one shared engine (its spare processes serve every robot); OpenAI-compatible
 * engines are made once per distinct setting and shared by the robots that have it.
 */
import { createHash } from 'node:crypto';
import type { LexiconEntry, Robot } from '@dhkit/protocol';
import { LexiconTts, PronunciationLexicon } from './lexicon.js';
import { OpenAiTts } from './openai-tts.js';
import type { TextToSpeech } from './tts.js';

const MAX_CACHED_ENGINES = 64;
const MAX_CACHED_LEXICONS = 64;

export class TtsFactory {
  private readonly engines = new Map<string, TextToSpeech>();
  private readonly lexicons = new Map<string, PronunciationLexicon>();

  /** @param espeak the default engine, used when a robot has no `tts` or `{type: "espeak"}`. */
  constructor(private readonly espeak: TextToSpeech) {}

  /** @param sessionId the session that speaks with it (its clauses are scheduled among the sessions'). */
  forRobot(robot: Pick<Robot, 'tts' | 'lexicon'>, sessionId?: string): TextToSpeech {
    const shared = this.engineFor(robot.tts);
    const engine = sessionId !== undefined && shared.forSession ? shared.forSession(sessionId) : shared;
    const lexicon = robot.lexicon?.length ? this.lexiconFor(robot.lexicon) : null;
    return lexicon && !lexicon.isEmpty ? new LexiconTts(engine, lexicon) : engine;
  }

  /**
   * A lexicon compiled once and shared by every session of the robots that have it: compiling 1,000 entries for
   * each new session (a visitor who reconnects in a loop) cost every other visitor that much event-loop time.
   */
  private lexiconFor(entries: readonly LexiconEntry[]): PronunciationLexicon {
    const key = createHash('sha256').update(JSON.stringify(entries)).digest('hex');
    let lexicon = this.lexicons.get(key);
    if (lexicon) {
      // Most recently used last, so the eviction below drops the least recently used.
      this.lexicons.delete(key);
    } else {
      if (this.lexicons.size >= MAX_CACHED_LEXICONS) this.lexicons.delete(this.lexicons.keys().next().value!);
      lexicon = new PronunciationLexicon(entries);
    }
    this.lexicons.set(key, lexicon);
    return lexicon;
  }

  private engineFor(config: Robot['tts']): TextToSpeech {
    if (!config || config.type === 'espeak') return this.espeak;
    // The key is hashed: it holds the API key, and map keys can end up in heap dumps and debug output.
    const key = createHash('sha256')
      .update(JSON.stringify([config.baseUrl, config.model, config.apiKey, config.timeoutMs]))
      .digest('hex');
    let engine = this.engines.get(key);
    if (!engine) {
      if (this.engines.size >= MAX_CACHED_ENGINES) this.engines.delete(this.engines.keys().next().value!);
      engine = new OpenAiTts(config);
      this.engines.set(key, engine);
    }
    return engine;
  }

  async close(): Promise<void> {
    await Promise.all([...this.engines.values()].map((engine) => engine.close()));
    this.engines.clear();
    this.lexicons.clear();
  }
}
