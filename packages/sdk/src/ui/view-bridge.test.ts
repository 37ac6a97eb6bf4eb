import { describe, expect, it } from 'vitest';
import { DHKitError } from '../core/errors.js';
import type { ViewActions } from '../core/view-events.js';
import { bridgeView } from './view-bridge.js';

function setup(overrides: Partial<ViewActions> = {}) {
  const calls: string[] = [];
  const reported: DHKitError[] = [];
  const actions: ViewActions = {
    ask: (text) => void calls.push(`ask ${text}`),
    interrupt: () => void calls.push('interrupt'),
    startSpeaking: async () => void calls.push('startSpeaking'),
    stopSpeaking: () => void calls.push('stopSpeaking'),
    setListening: (listening) => void calls.push(`listening ${listening}`),
    setDevice: async (deviceId) => void calls.push(`device ${deviceId}`),
    changeLanguage: async (language) => void calls.push(`language ${language}`),
    startAgain: async () => void calls.push('startAgain'),
    continueSession: () => void calls.push('continueSession'),
    gesture: () => void calls.push('gesture'),
    report: (error) => void reported.push(error),
    ...overrides,
  };
  const view = new EventTarget();
  const listening = new AbortController();
  bridgeView(view, actions, listening.signal);
  const fire = (name: string, detail?: unknown) => {
    const event = new CustomEvent(name, { detail, cancelable: true });
    view.dispatchEvent(event);
    return event;
  };
  return { calls, reported, fire, listening };
}

describe('bridgeView', () => {
  it('turns the view events into actions until its signal aborts', async () => {
    const { calls, fire, listening } = setup();
    fire('dh-question', { text: 'hello' });
    fire('dh-interrupt');
    fire('dh-mic', { action: 'start' });
    fire('dh-mic', { action: 'stop' });
    fire('dh-device-change', { deviceId: 'mic-2' });
    fire('dh-language-change', { langCode: 'zh_CN' });
    fire('pointerdown');
    fire('keydown');
    await Promise.resolve();
    listening.abort();
    fire('dh-question', { text: 'after' });
    fire('keydown');
    expect(calls).toEqual([
      'ask hello',
      'interrupt',
      'listening true',
      'startSpeaking',
      'stopSpeaking',
      'listening false',
      'device mic-2',
      'language zh_CN',
      'gesture',
      'gesture',
    ]);
  });

  it('refuses a question that throws (the input keeps its text) and reports the error', () => {
    const { reported, fire } = setup({
      ask: () => {
        throw DHKitError.fromCode('QUESTION_EMPTY');
      },
    });
    expect(fire('dh-question', { text: ' ' }).defaultPrevented).toBe(true);
    expect(reported.map((error) => error.code)).toEqual(['QUESTION_EMPTY']);
  });

  it('reports failed actions and blocked media with their codes', async () => {
    const { calls, reported, fire } = setup({
      startSpeaking: () => Promise.reject(DHKitError.fromCode('MICROPHONE_PERMISSION_DENIED')),
      setDevice: () => Promise.reject(new Error('gone')),
    });
    fire('dh-mic', { action: 'start' });
    fire('dh-device-change', { deviceId: 'x' });
    fire('dh-media-blocked', { dropped: [{ kind: 'image', value: 'https://evil.example/x.png', reason: 'host' }] });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toEqual(['listening true', 'listening false']);
    expect(reported.map((error) => error.code).sort()).toEqual(['MEDIA_BLOCKED', 'MICROPHONE_PERMISSION_DENIED', 'MICROPHONE_UNAVAILABLE']);
    expect(reported.find((error) => error.code === 'MEDIA_BLOCKED')?.message).toContain('image https://evil.example/x.png');
  });
});
