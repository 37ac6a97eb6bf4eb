import { describe, expect, it } from 'vitest';
import { EspeakTts, ESPEAK_SAMPLE_RATE } from './espeak-tts.js';
import { LexiconTts, PronunciationLexicon, parseSpeechMarkup } from './lexicon.js';

describe('PronunciationLexicon', () => {
  const lexicon = new PronunciationLexicon([
    { word: 'dhkit', say: '<sub alias="D H kit">dhkit</sub>' },
    { word: 'SKU', say: '<say-as interpret-as="characters">SKU</say-as>' },
    { word: 'MetaStudio', say: 'Meta Studio' },
    { word: 'Meta', say: 'Metta' },
    { word: '行长', say: '航长' },
    { word: 'C++', say: 'C plus plus' },
    { word: 'pause', say: 'pause<break time="300ms"/>' },
  ]);

  it('replaces Latin words whole and case-insensitively, never inside another word', () => {
    expect(lexicon.apply('Welcome to DHKit, the dhkit SDK.')).toBe('Welcome to D H kit, the D H kit SDK.');
    expect(lexicon.apply('Every SKU, not SKUs or sku-like.')).toBe('Every S K U , not SKUs or S K U -like.');
    expect(lexicon.apply('Metadata stays.')).toBe('Metadata stays.');
  });

  it('prefers the longer word and does not substitute a replacement again', () => {
    expect(lexicon.apply('MetaStudio and Meta.')).toBe('Meta Studio and Metta.');
  });

  it('replaces Han words exactly wherever they occur', () => {
    expect(lexicon.apply('我们的行长说')).toBe('我们的航长说');
  });

  it('handles words with symbols', () => {
    expect(lexicon.apply('I write C++ daily.')).toBe('I write C plus plus daily.');
  });

  it('turns <break> into a pause between text runs, only in replacements', () => {
    expect(lexicon.plan('Now pause here.')).toEqual([{ text: 'Now pause' }, { breakMs: 300 }, { text: ' here.' }]);
    // The answer's own markup-like text is spoken literally.
    expect(lexicon.plan('a <break time="2s"/> b')).toEqual([{ text: 'a <break time="2s"/> b' }]);
  });

  it('reads the SSML subset and never throws on broken markup', () => {
    expect(parseSpeechMarkup('<sub alias="W3C">World Wide Web Consortium</sub>')).toEqual([{ text: 'W3C' }]);
    expect(parseSpeechMarkup('a<break time="1.5s"/>b<break time="99s"/>')).toEqual([
      { text: 'a' },
      { breakMs: 1500 },
      { text: 'b' },
      { breakMs: 5000 },
    ]);
    expect(parseSpeechMarkup('<emphasis>big</emphasis> &amp; small')).toEqual([{ text: 'big' }, { text: ' & small' }]);
    expect(parseSpeechMarkup('<sub alias="x">unclosed')).toEqual([{ text: 'unclosed' }]);
    expect(parseSpeechMarkup('<<<>>>')).toEqual([{ text: '<<<>>>' }]);
  });
});

describe('LexiconTts with real espeak-ng', () => {
  it('speaks the substitution and inserts the break as silence', async () => {
    const espeak = new EspeakTts({ keepSpare: false });
    const lexicon = new PronunciationLexicon([{ word: 'wait', say: 'wait<break time="1s"/>' }]);
    const tts = new LexiconTts(espeak, lexicon);
    const chunks: Uint8Array[] = [];
    for await (const chunk of tts.synthesize('Please wait now.', 'en-us', new AbortController().signal)) chunks.push(chunk);
    const pcm = Buffer.concat(chunks);
    // Find the longest run of exact zeros: at least the 1 s break.
    let longest = 0;
    let run = 0;
    for (let i = 0; i + 1 < pcm.length; i += 2) {
      run = pcm.readInt16LE(i) === 0 ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    expect(longest).toBeGreaterThanOrEqual(ESPEAK_SAMPLE_RATE);
    expect(tts.sampleRate).toBe(ESPEAK_SAMPLE_RATE);
    await espeak.close();
  });
});

describe('viseme timings through the lexicon', () => {
  it("shifts each part's timings by the audio (and silence) before it", async () => {
    const RATE = 10_000;
    // 200 ms of audio per text part, each reporting one cue at its own start.
    const inner = {
      sampleRate: RATE,
      async *synthesize(text: string, _voice: string, _signal: AbortSignal, timings?: (cues: { t: number; v: string }[]) => void) {
        timings?.([
          { t: 0, v: text === 'wait' ? 'U' : 'aa' },
          { t: 100, v: 'sil' },
        ]);
        yield new Uint8Array(RATE * 0.2 * 2);
      },
      async close() {},
    };
    const tts = new LexiconTts(inner, new PronunciationLexicon([{ word: 'wait', say: 'wait<break time="300ms"/>' }]));
    const cues: { t: number; v: string }[] = [];
    let bytes = 0;
    for await (const chunk of tts.synthesize('wait now', 'en-us', new AbortController().signal, (c) => cues.push(...c)))
      bytes += chunk.length;
    // "wait" (200 ms), 300 ms of silence, then "now" (200 ms).
    expect(bytes).toBe(RATE * 0.7 * 2);
    expect(cues).toEqual([
      { t: 0, v: 'U' },
      { t: 100, v: 'sil' },
      { t: 500, v: 'aa' },
      { t: 600, v: 'sil' },
    ]);
  });
});
