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
    expect(parseSpeechMarkup('a<break time="1.5s"/>b<break time="99s"/>')).toEqual([{ text: 'a' }, { breakMs: 1500 }, { text: 'b' }, { breakMs: 5000 }]);
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
