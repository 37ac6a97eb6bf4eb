import { describe, expect, it } from 'vitest';
import { fieldOfMessage } from './field-of-message.js';

/** Names the robot form renders (a subset): nested settings are named by their path in the robot. */
const FIELDS = new Set([
  'name',
  'allowedOrigins',
  'voices.en_US',
  'brain.baseUrl',
  'brain.llm.baseUrl',
  'rateLimits.questions.burst',
  'pacify.triggerMs',
  'media.livekit.url',
]);
const field = (message: string) => fieldOfMessage(message, (name) => FIELDS.has(name));

describe('fieldOfMessage', () => {
  it("finds the input a schema message's path is about, skipping list indexes", () => {
    expect(field('body/rateLimits/questions/burst must be an integer from 1 to 1000.')).toBe('rateLimits.questions.burst');
    expect(field('body/allowedOrigins/3 must be a string of at most 300 characters matching ^(\\*|https?://[^/\\s]+)$.')).toBe(
      'allowedOrigins',
    );
    expect(field('body/brain/llm/baseUrl must be a string of at most 2000 characters matching …')).toBe('brain.llm.baseUrl');
    expect(field('body/pacify/triggerMs is required.')).toBe('pacify.triggerMs');
    expect(field('body/media/livekit/url must be …')).toBe('media.livekit.url');
  });

  it('finds the input a route check names with a dotted path', () => {
    expect(field('voices.en_US: the voice "cmn" does not speak en_US.')).toBe('voices.en_US');
  });

  it('falls back to the nearest input above a deeper path, and to none', () => {
    expect(field('body/brain/llm/entries must be an integer from 1 to 10.')).toBe('');
    expect(field('body/brain/baseUrl/extra is odd')).toBe('brain.baseUrl');
    expect(field('body has an unknown field "colour" (allowed: id, name).')).toBe('');
    expect(field('A robot with id "shop" already exists.')).toBe('');
  });
});
