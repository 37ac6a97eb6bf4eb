import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dhkit-test-'));
}

export const ADMIN_KEY = 'test-admin-key-padded-to-32-characters';
export const ADMIN = { authorization: `Bearer ${ADMIN_KEY}` };
