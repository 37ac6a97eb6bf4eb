import { describe, expect, it } from 'vitest';
import { recognitionErrorCode } from './browser-recognition.js';

describe('browser recognition errors', () => {
  it('maps the Web Speech API errors to catalog codes, and silence or our own stop to none', () => {
    expect(recognitionErrorCode('not-allowed')).toBe('MICROPHONE_PERMISSION_DENIED');
    expect(recognitionErrorCode('service-not-allowed')).toBe('MICROPHONE_PERMISSION_DENIED');
    expect(recognitionErrorCode('audio-capture')).toBe('MICROPHONE_UNAVAILABLE');
    expect(recognitionErrorCode('network')).toBe('SPEECH_RECOGNITION_FAILED');
    expect(recognitionErrorCode('language-not-supported')).toBe('SPEECH_RECOGNITION_FAILED');
    expect(recognitionErrorCode('no-speech')).toBeNull();
    expect(recognitionErrorCode('aborted')).toBeNull();
  });
});
