/**
 * The voice chunk (`/sdk/voice.esm.js`), loaded with a dynamic import only when voice is used: microphone
 * capture through the AudioWorklet, the models (Silero VAD and openWakeWord on onnxruntime-web, run in a Worker,
 * or on this thread where no Worker can start: voice-models.ts), and the segmenter. Every file it needs comes
 * from the dhkit server (`/sdk/voice/`), never from a CDN.
 */
import { FRAME_MS, VadSegmenter, type SegmenterEvent, type SegmenterOptions } from './vad-segmenter.js';

export { FRAME_MS, VadSegmenter };
// Voice input itself rides in this chunk too: the headless core only loads it when voice is first used.
export { VoiceInput } from './voice-input.js';
export { WAKE_WORD_MODELS, WakeWordDetector, type WakeWordName } from './wake-word.js';
export { SileroVad } from './silero-vad.js';
export { openMicrophone, type Microphone, type MicrophoneOptions } from './microphone.js';
export { openVoiceModels, type FrameVad, type FrameWakeWord, type VoiceModels } from './voice-models.js';
export type { SegmenterEvent, SegmenterOptions };
