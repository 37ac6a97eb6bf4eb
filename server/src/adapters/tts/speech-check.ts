/**
 * Can the server speak? Checked at start-up (and again in the background when /healthz finds the last check over a
 * minute old): espeak-ng is there and speaks every voice that a robot using it needs. A missing engine or voice
 * never stays silent: a start-up line, `/healthz` → `degraded` with the reason, and `SPEECH_SYNTHESIS_FAILED` to
 * the visitor's page.
 */
import type { Robot } from '@dhkit/protocol';
import { DEFAULT_VOICES } from '../../robots/robot.js';
import type { EspeakLocation } from './espeak-binary.js';

const RECHECK_MS = 60_000;

export interface SpeechCheckResult {
  status: 'ok' | 'degraded';
  engine: 'espeak-ng';
  binary: string | null;
  /** What is wrong, in words an operator can act on; empty when ok. */
  problems: string[];
}

/** Speaks one word with a voice; resolves to an error text, or null when audio came out. */
export type VoiceProbe = (voice: string) => Promise<string | null>;

/** The voices robots on espeak-ng need, each with the robots that need it. */
function espeakVoices(robots: readonly Pick<Robot, 'id' | 'voices' | 'tts' | 'languages'>[]): Map<string, string[]> {
  const voices = new Map<string, string[]>();
  for (const robot of robots) {
    if (robot.tts && robot.tts.type !== 'espeak') continue;
    for (const language of robot.languages) {
      const voice = robot.voices[language] ?? DEFAULT_VOICES[language];
      if (voice) voices.set(voice, [...(voices.get(voice) ?? []), robot.id]);
    }
  }
  return voices;
}

async function checkSpeech(location: EspeakLocation, probeVoice: VoiceProbe, robots: readonly Robot[]): Promise<SpeechCheckResult> {
  const needed = espeakVoices(robots);
  const result: SpeechCheckResult = { status: 'ok', engine: 'espeak-ng', binary: location.binary, problems: [] };
  if (!location.binary) {
    if (needed.size === 0) return result;
    result.problems.push(
      `espeak-ng was not found (looked in ${location.lookedIn}); the avatars cannot speak (captions still work). ` +
        'Install it (apt-get install espeak-ng, brew install espeak-ng) or set DHKIT_ESPEAK_PATH to the binary.',
    );
  } else {
    const binary = location.binary;
    const probes = await Promise.all([...needed].map(async ([voice, robotIds]) => ({ voice, robotIds, error: await probeVoice(voice) })));
    for (const { voice, robotIds, error } of probes) {
      if (error) result.problems.push(`espeak-ng (${binary}) cannot speak voice "${voice}" of robot ${robotIds.join(', ')}: ${error}`);
    }
  }
  if (result.problems.length) result.status = 'degraded';
  return result;
}

/**
 * The latest check, refreshed at most once a minute when asked (robots and voices change at run time). A stale
 * result is answered at once while the refresh runs: a /healthz request never waits for speech engines to start.
 */
export class SpeechHealth {
  private latest: SpeechCheckResult | null = null;
  private checkedAt = 0;
  private running: Promise<SpeechCheckResult> | null = null;

  constructor(
    private readonly location: EspeakLocation,
    private readonly listRobots: () => Promise<Robot[]>,
    private readonly probeVoice: VoiceProbe,
  ) {}

  async current(): Promise<SpeechCheckResult> {
    if (!this.latest) return this.check();
    if (Date.now() - this.checkedAt >= RECHECK_MS) void this.check();
    return this.latest;
  }

  check(): Promise<SpeechCheckResult> {
    // The robots come from the store; while it is unreachable (an outage) /healthz keeps answering with the last
    // result (or a check of the binary alone), instead of failing with the store.
    this.running ??= this.listRobots()
      .catch(() => null)
      .then((robots) => (robots === null && this.latest ? this.latest : checkSpeech(this.location, this.probeVoice, robots ?? [])))
      .then((result) => {
        this.latest = result;
        this.checkedAt = Date.now();
        return result;
      })
      .finally(() => (this.running = null));
    return this.running;
  }
}
