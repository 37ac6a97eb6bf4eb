import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ERROR_CODES, errorMessage, isErrorCode } from './errors.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('error catalog', () => {
  it('documents every code in docs/errors.md with its status, compat code and both messages', () => {
    for (const code of ERROR_CODES) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, `docs/errors.md has no table row for ${code}`).toBeDefined();
      const def = ERROR_CATALOG[code];
      expect(row).toContain(`| ${def.status} |`);
      if ('compat' in def) expect(row).toContain(def.compat);
      expect(row).toContain(def.message.en_US);
      expect(row).toContain(def.message.zh_CN);
      expect(doc, `docs/errors.md does not say when ${code} appears`).toContain(`- \`${code}\``);
    }
  });

  it('has no stale codes in docs/errors.md', () => {
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...ERROR_CODES].sort());
  });

  it('uses 4xx for client mistakes and keeps the MetaStudio codes of the design', () => {
    expect(ERROR_CATALOG.CONCURRENCY_LIMIT).toMatchObject({ status: 429, compat: 'MSS.20010135' });
    expect(ERROR_CATALOG.ONCE_CODE_INVALID).toMatchObject({ status: 401, compat: 'MSS.47010046' });
    expect(ERROR_CATALOG.QUESTION_TOO_LONG).toMatchObject({ status: 400, compat: 'MSS.47010145' });
    expect(ERROR_CATALOG.INVALID_REQUEST.status).toBe(400);
  });

  it('answers in both languages and recognises its own codes', () => {
    expect(errorMessage('SESSION_ENDED', 'zh_CN')).toBe('对话已结束。');
    expect(errorMessage('SESSION_ENDED')).toBe('The session has ended.');
    expect(isErrorCode('SERVER_BUSY')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });

  // A page may show error.message to its visitors as it is: no message tells the operator what to configure
  // ("ask the site owner to…" would be fine; "raise the robot's concurrency" is not). Hints for operators live in
  // docs/errors.md and the server log.
  it('never addresses the operator in a message', () => {
    for (const code of ERROR_CODES) {
      const { en_US, zh_CN } = ERROR_CATALOG[code].message;
      expect(en_US, code).not.toMatch(
        /\b(operator|administrator|admin)\b|concurrency|allowedOrigins|DHKIT_|\b(raise|increase|configure|install)\b/i,
      );
      expect(zh_CN, code).not.toMatch(/运营者|运营方|并发|配置|安装|管理员[:：]/);
    }
  });
});
