import { afterEach, describe, expect, it, vi } from 'vitest';
import { TypedEmitter, type DigitalHumanEventMap } from './events.js';

afterEach(() => vi.restoreAllMocks());

describe('TypedEmitter', () => {
  it('calls listeners with the payload until they are removed', () => {
    const emitter = new TypedEmitter<DigitalHumanEventMap>();
    const texts: string[] = [];
    const listener = (e: DigitalHumanEventMap['semanticRecognized']) => texts.push(e.text);
    emitter.on('semanticRecognized', listener);
    emitter.emit('semanticRecognized', { chatId: 'abcdefgh', text: 'Hello', isLast: false });
    emitter.off('semanticRecognized', listener);
    emitter.emit('semanticRecognized', { chatId: 'abcdefgh', text: 'world', isLast: true });
    expect(texts).toEqual(['Hello']);
    expect(emitter.listenerCount('semanticRecognized')).toBe(0);
  });

  it('keeps events apart and adds a listener once', () => {
    const emitter = new TypedEmitter<DigitalHumanEventMap>();
    const starts = vi.fn();
    emitter.on('speakingStart', starts).on('speakingStart', starts);
    emitter.emit('speakingStop', { chatId: 'x1234567' });
    emitter.emit('speakingStart', { chatId: 'x1234567' });
    expect(starts).toHaveBeenCalledTimes(1);
    expect(starts).toHaveBeenCalledWith({ chatId: 'x1234567' });
  });

  it('isolates a listener that throws', () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const emitter = new TypedEmitter<DigitalHumanEventMap>();
    const after = vi.fn();
    emitter.on('error', () => {
      throw new Error('user bug');
    });
    emitter.on('error', after);
    expect(() => emitter.emit('error', { code: 'NETWORK_ERROR', message: 'lost' })).not.toThrow();
    expect(after).toHaveBeenCalledOnce();
    expect(consoleError).toHaveBeenCalledOnce();
  });

  it('lets a listener remove itself while the event is emitted', () => {
    const emitter = new TypedEmitter<DigitalHumanEventMap>();
    const second = vi.fn();
    const once = () => emitter.off('jobEnd', once);
    emitter.on('jobEnd', once).on('jobEnd', second);
    emitter.emit('jobEnd', { jobId: 'j', reason: 'CLOSED' });
    emitter.emit('jobEnd', { jobId: 'j', reason: 'CLOSED' });
    expect(second).toHaveBeenCalledTimes(2);
  });

  it('types listeners from the event map', () => {
    const emitter = new TypedEmitter<DigitalHumanEventMap>();
    // @ts-expect-error speakingStart carries no text
    emitter.on('speakingStart', (e) => e.text);
    // @ts-expect-error not an event of the map
    emitter.on('noSuchEvent', () => {});
    expect(true).toBe(true);
  });
});
