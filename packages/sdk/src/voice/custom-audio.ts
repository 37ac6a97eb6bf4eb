/**
 * Audio from another source than the microphone, sent as one utterance, and the PCM helpers the upload shares.
 * Part of the headless core (it needs no voice chunk), so it stays small.
 */
import { LIMITS, encodeClientAudioFrame } from '@dhkit/protocol';
import { DHKitError } from '../core/errors.js';
import type { VoiceHost } from './voice-host.js';

/**
 * Sends audio from another source as one utterance (what `sendCustomAudio` does, also without a VoiceInput:
 * it needs no voice chunk). `beforeSend` runs once the audio is accepted, before anything goes up.
 */
export function sendAudioUtterance(
  host: VoiceHost,
  samples: Int16Array | Float32Array,
  sampleRate: number,
  beforeSend?: () => void,
): string {
  if (!(samples instanceof Int16Array || samples instanceof Float32Array) || !(sampleRate >= 8000 && sampleRate <= 192_000)) {
    throw new DHKitError('INVALID_REQUEST', 'sendCustomLocalAudio needs {data: Int16Array | Float32Array, sampleRate: 8000..192000}.');
  }
  const float = samples instanceof Float32Array ? samples : Float32Array.from(samples, (v) => v / 32768);
  const pcm = resample(float, sampleRate, LIMITS.utteranceSampleRate);
  if ((pcm.length / LIMITS.utteranceSampleRate) * 1000 > LIMITS.utteranceMaxMs) {
    throw new DHKitError('INVALID_REQUEST', `Audio is limited to ${LIMITS.utteranceMaxMs / 1000} s per utterance.`);
  }
  beforeSend?.();
  host.interrupt();
  const chatId = host.newChatId();
  if (!host.sendMessage({ type: 'audioStart', chatId, sampleRate: LIMITS.utteranceSampleRate, encoding: 'pcm_s16le' })) {
    throw DHKitError.fromCode('NETWORK_ERROR', host.language());
  }
  const chunk = 1600; // 100 ms
  for (let offset = 0, seq = 0; offset < pcm.length; offset += chunk, seq++) {
    host.sendBinary(encodeClientAudioFrame({ chatId, seq }, toPcm16(pcm.subarray(offset, offset + chunk))));
  }
  host.sendMessage({ type: 'audioEnd', chatId });
  host.utteranceSent(chatId);
  return chatId;
}

/** Float −1..1 → s16le bytes. */
export function toPcm16(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return bytes;
}

/** Linear resampling (averaging when shrinking by a whole factor or more, which low-passes enough for ASR). */
function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return input;
  const ratio = fromRate / toRate;
  const output = new Float32Array(Math.floor(input.length / ratio));
  for (let i = 0; i < output.length; i++) {
    const start = i * ratio;
    if (ratio >= 2) {
      const end = Math.min(input.length, Math.floor(start + ratio));
      let sum = 0;
      for (let j = Math.floor(start); j < end; j++) sum += input[j];
      output[i] = sum / Math.max(1, end - Math.floor(start));
    } else {
      const index = Math.floor(start);
      const fraction = start - index;
      const next = input[Math.min(input.length - 1, index + 1)];
      output[i] = input[index] + (next - input[index]) * fraction;
    }
  }
  return output;
}
