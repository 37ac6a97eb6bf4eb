/** Picks the speech recognizer for a robot from its `asr` setting (null: voice input is not offered). */
import type { Robot } from '@dhkit/protocol';
import type { SpeechRecognizer } from './asr.js';
import { OpenAiAsr } from './openai-asr.js';

export function createSpeechRecognizer(config: Robot['asr']): SpeechRecognizer | null {
  if (!config) return null;
  switch (config.type) {
    case 'openai':
      return new OpenAiAsr(config);
  }
}
