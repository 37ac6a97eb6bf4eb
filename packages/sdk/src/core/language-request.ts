import type { LanguageCode } from '@dhkit/protocol';
import type { DHKitError } from './errors.js';

/** The changeLanguage() waiting for the server's languageChanged; a newer request replaces it. */
export class LanguageRequest {
  private waiting: { language: LanguageCode; resolve: () => void; reject: (error: DHKitError) => void } | null = null;

  /** Waits for `language`; the request before it (if any) is rejected with `replaced`. */
  wait(language: LanguageCode, replaced: DHKitError): Promise<void> {
    this.waiting?.reject(replaced);
    return new Promise<void>((resolve, reject) => (this.waiting = { language, resolve, reject }));
  }

  /** The server switched to `language`: the request for it resolves, any other one is dropped. */
  handleLanguageChanged(language: LanguageCode): void {
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting?.language === language) waiting.resolve();
  }

  /** The server refused (or the session ended): the waiting request, if any, rejects with `error`. */
  handleRefused(error: DHKitError): void {
    this.waiting?.reject(error);
    this.waiting = null;
  }

  get pending(): boolean {
    return this.waiting !== null;
  }
}
