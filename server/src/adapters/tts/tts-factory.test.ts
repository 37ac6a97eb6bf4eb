import { describe, expect, it } from 'vitest';
import { LexiconTts } from './lexicon.js';
import { TtsFactory } from './tts-factory.js';
import type { TextToSpeech } from './tts.js';

/** The default engine stands in for espeak-ng: what is tested here is the lexicon around it. */
const engine: TextToSpeech = {
  sampleRate: 16000,
  async *synthesize() {},
  async close() {},
};

const lexicon = Array.from({ length: 1000 }, (_, i) => ({ word: `term${i}x`, say: `term ${i}` }));

describe('TtsFactory', () => {
  it("compiles a robot's lexicon once for all its sessions, and again only when it changes", () => {
    const factory = new TtsFactory(engine);
    const sessions = Array.from({ length: 50 }, (_, i) => factory.forRobot({ lexicon }, `session-${i}`) as LexiconTts);
    expect(sessions.every((tts) => tts instanceof LexiconTts)).toBe(true);
    // One compiled lexicon: a new session (a visitor reconnecting in a loop) used to compile all 1,000 entries.
    expect(new Set(sessions.map((tts) => tts.lexicon)).size).toBe(1);
    expect((factory.forRobot({ lexicon: [...lexicon] }, 'session-x') as LexiconTts).lexicon).toBe(sessions[0].lexicon);

    const changed = factory.forRobot({ lexicon: [...lexicon.slice(1), { word: 'SKU', say: 'S K U' }] }, 'session-y') as LexiconTts;
    expect(changed.lexicon).not.toBe(sessions[0].lexicon);
    expect(changed.lexicon.apply('The SKU and term0x.')).toBe('The S K U and term0x.');
    expect(factory.forRobot({ lexicon: [] }, 'session-z')).toBe(engine);
  });
});
