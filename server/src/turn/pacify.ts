/**
 * Pacify: when a slow brain has said nothing speakable after `triggerMs`, one filler phrase of the robot's
 * ("Let me check…") is spoken so the visitor knows the question was heard. It is not part of the answer.
 */
import type { LanguageCode, PacifyConfig } from '@dhkit/protocol';
import { toSpeakable } from './speakable.js';

export interface PacifyOptions {
  config: PacifyConfig | undefined;
  signal: AbortSignal;
  /** Whether a filler is still wanted when the timer fires (nothing speakable yet, the answer not done). */
  stillSilent(): boolean;
  /** The answer's language when the timer fires. */
  language(): LanguageCode;
  speak(phrase: string, language: LanguageCode): void;
}

/** Starts the timer (when pacify is on); returns what cancels it. The turn's abort cancels it too. */
export function startPacify(options: PacifyOptions): () => void {
  const { config, signal } = options;
  if (!config?.enabled) return () => {};
  const timer = setTimeout(
    () => {
      if (!options.stillSilent() || signal.aborted) return;
      const language = options.language();
      const phrases = config.phrases[language] ?? [];
      if (phrases.length === 0) return;
      const phrase = toSpeakable(phrases[Math.floor(Math.random() * phrases.length)]);
      if (phrase !== '') options.speak(phrase, language);
    },
    Math.max(0, config.triggerMs),
  );
  const cancel = () => clearTimeout(timer);
  signal.addEventListener('abort', cancel, { once: true });
  return () => {
    cancel();
    signal.removeEventListener('abort', cancel);
  };
}
