import { describe, expect, it } from 'vitest';
import { randomSecret } from './secrets.js';

describe('randomSecret', () => {
  it('gives secrets of the asked size, never the same bytes twice, across many refills of its pool', () => {
    const seen = new Set<string>();
    // 15 + 32 + 24 bytes at a time (a session id, a token, a once-code) over ~50 pools of 4 KiB.
    for (let i = 0; i < 3000; i++) {
      for (const bytes of [15, 32, 24]) {
        const secret = randomSecret(bytes);
        expect(Buffer.from(secret, 'base64url')).toHaveLength(bytes);
        seen.add(secret);
      }
    }
    expect(seen.size).toBe(9000);
    expect(Buffer.from(randomSecret(2048), 'base64url')).toHaveLength(2048);
  });
});
