import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ADMIN_KEY } from './fixtures.js';

/** Serious and critical axe-core violations on the page, each with its targets and the first check's message. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Our pages run a strict CSP, so axe-core goes in through the debugger rather than a script tag.
  await page.evaluate(readFileSync(fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url)), 'utf8'));
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => `${n.target.join(' ')} (${n.any?.[0]?.message ?? ''})`).join(', ')}`);
  });
}

/** An admin API call to the dhkit server at `url`, with the e2e admin key. */
export async function admin(url: string, method: string, path: string, body?: unknown) {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}
