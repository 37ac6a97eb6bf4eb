/** Driving the operator's console (/admin/) in e2e specs: open it, sign in, pick language and theme, go to a page. */
import type { Page } from '@playwright/test';

export type ConsolePage = 'robots' | 'knowledge' | 'questions' | 'sessions' | 'audit';

export async function openConsole(page: Page, url: string): Promise<void> {
  // Recorded from the first byte on: any CSP violation of the console page, and uncaught errors.
  await page.addInitScript(() => {
    (window as any).__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as any).__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${url}/admin/`);
}

export async function signIn(page: Page, key: string): Promise<void> {
  await page.locator('#admin-key').fill(key);
  await page.locator('#admin-key').press('Enter');
}

/** The console in this language and theme from the first paint (the preferences the header's switches store). */
export async function prefer(page: Page, language: 'en' | 'zh', theme: 'light' | 'dark'): Promise<void> {
  await page.addInitScript(
    ([l, t]) => {
      localStorage.setItem('dhkit-console-language', l);
      localStorage.setItem('dhkit-console-theme', t);
    },
    [language, theme],
  );
  await page.emulateMedia({ colorScheme: theme });
}

export async function goTo(page: Page, name: ConsolePage): Promise<void> {
  await page.evaluate((hash) => (location.hash = hash), `#/${name}`);
}
