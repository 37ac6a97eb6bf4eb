// Pathological answers and lexicons: every text step of a turn is linear in its input, so one answer of
// thousands of unclosed brackets or a robot with the largest lexicon the schema allows never stalls the
// event loop that serves every other visitor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Robot } from '@dhkit/protocol';
import { buildRobot } from '../src/robots/robot.js';
import { OpenAiBrain } from '../src/adapters/brain/openai-brain.js';
import { FALLBACK_ANSWERS } from '../src/adapters/brain/fallback.js';
import { PronunciationLexicon } from '../src/adapters/tts/lexicon.js';
import { Turn, type TurnResult } from '../src/turn/turn.js';
import type { TextToSpeech } from '../src/adapters/tts/tts.js';
import { LocalServer, openAiStream, sleep } from './brain-servers.js';

let llm: LocalServer;
beforeAll(async () => {
  llm = await LocalServer.start();
});
afterAll(() => llm.close());

const quietTts: TextToSpeech = {
  sampleRate: 16000,
  async *synthesize(_text, _voice, signal) {
    if (!signal.aborted) yield new Uint8Array(320);
  },
  async close() {},
};

/** The longest the event loop was blocked while `work` ran (a 10 ms ticker measures its own lateness). */
async function worstStall(work: () => Promise<unknown>): Promise<number> {
  let worst = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(ticker);
  }
  return Math.max(worst, performance.now() - last - 10);
}

describe('a pathological streamed answer', () => {
  const robot: Robot = buildRobot({ id: 'shop', name: 'Shop', languages: ['en_US'] });

  /** Streams `unit` repeated to ~4,000 characters in 4-character chunks through a turn; the worst stall. */
  async function streamedStall(unit: string): Promise<number> {
    const tokens = unit
      .repeat(Math.ceil(4000 / unit.length))
      .slice(0, 3996)
      .match(/[\s\S]{1,4}/g)!;
    llm.handler = openAiStream(tokens);
    let reason = '';
    const stall = await worstStall(async () => {
      const turn = new Turn({
        chatId: 'chat-0001',
        kind: 'answer',
        language: 'en_US',
        sink: { sendMessage: () => {}, sendBinary: () => {} },
        tts: quietTts,
        voiceFor: () => 'en-us',
        fallbackAnswer: (language) => FALLBACK_ANSWERS[language],
        pacify: { enabled: true, triggerMs: 50, phrases: { en_US: ['One moment.'] } },
        onFinished: (result) => (reason = result.reason),
      });
      const brain = new OpenAiBrain({ type: 'openai', baseUrl: llm.url, model: 'm', timeoutMs: 5000 });
      await turn.run(brain.answer('q', { language: 'en_US', robot, signal: turn.signal }));
    });
    expect(reason).toBe('completed');
    return stall;
  }

  let plainStall = 0;
  beforeAll(async () => {
    // The same length of plain prose, measured in the same run: the machine's own pace is the yardstick.
    await streamedStall('abc ');
    plainStall = await streamedStall('abc ');
  }, 20_000);

  it.each([
    ['4,000 unclosed [', '['],
    ['2,000 unclosed ![', '!['],
    ['1,000 [a]( without )', '[a]('],
    ['2,000 unclosed <a', '<a'],
    ['1,000 [ ]( without )', '[]('],
  ])(
    '%s in 4-character chunks costs about what plain text costs',
    async (_name, unit) => {
      const stall = await streamedStall(unit);
      // The old code re-read the whole answer per chunk with a backtracking expression: 63 s for 4,000 `[`.
      expect(stall).toBeLessThan(3 * plainStall + 250);
    },
    20_000,
  );
});

describe('one brain chunk of a million characters', () => {
  it('is cut at the maximum answer length before it is segmented', async () => {
    const semantic: string[] = [];
    let result: TurnResult | null = null;
    const turn = new Turn({
      chatId: 'chat-0001',
      kind: 'answer',
      language: 'en_US',
      sink: { sendMessage: (m) => m.type === 'semantic' && semantic.push(m.text), sendBinary: () => {} },
      tts: quietTts,
      voiceFor: () => 'en-us',
      fallbackAnswer: (language) => FALLBACK_ANSWERS[language],
      maxAnswerChars: 4000,
      onFinished: (r) => (result = r),
    });
    await turn.run(
      (async function* () {
        yield { text: 'Word and word. '.repeat(66_667), language: 'en_US' as const };
      })(),
    );
    // The whole chunk used to be segmented (and spoken) before the limit was checked.
    expect(semantic.join('').length).toBeLessThanOrEqual(4000);
    expect(semantic.join('').length).toBeGreaterThan(3900);
    expect(result).toMatchObject({ brainError: 'BRAIN_UNAVAILABLE' });
  });
});

describe('a lexicon of 1,000 entries (the schema maximum)', () => {
  const entries = Array.from({ length: 1000 }, (_, i) => ({ word: `term${i}x`, say: `term ${i}` }));
  entries.push({ word: 'SKU', say: 'S K U' }, { word: '行长', say: '航长' });
  const lexicon = new PronunciationLexicon(entries);

  /** The word matcher's steps to plan `text`: a count, so a loaded machine cannot change it. */
  function planSteps(subject: PronunciationLexicon, text: string): number {
    const before = subject.matchSteps;
    subject.plan(text);
    return subject.matchSteps - before;
  }

  it('plans a driven text in steps linear in its length and independent of the number of entries', async () => {
    // Counted, not timed (a 15 ms wall-clock limit failed on a loaded machine): the alternation with lookarounds
    // on each of 1,000 words tried every word at every place (150–300 ms per clause); quadratic matching would
    // take 16× the steps for 4× the text.
    const text = 'The SKU and term7x, term999x; 行长说 '.repeat(240);
    const small = new PronunciationLexicon([...entries.slice(0, 10), ...entries.slice(-2)]);
    const twoThousand = planSteps(lexicon, text.slice(0, 2000));
    const eightThousand = planSteps(lexicon, text.slice(0, 8000));
    // At most the longest word's length (8) plus one per character, whatever the number of words.
    expect(twoThousand).toBeLessThanOrEqual(2000 * 9);
    expect(eightThousand / twoThousand).toBeLessThan(4.5);
    expect(twoThousand / planSteps(small, text.slice(0, 2000))).toBeLessThan(2);
    expect(lexicon.apply('The SKU and term7x.')).toBe('The S K U and term 7.');
    await sleep(0);
  });
});
