import { useEffect, useState, type RefObject } from 'react';
import { create, type DHKitError, type DigitalHuman, type DigitalHumanConfig } from '@dhkit/sdk';
import { dhkitSettings, fetchOnceCode } from './once-code';

/**
 * One digital human in `container` while the component is mounted. Safe under StrictMode and fast remounts:
 * `onceCode` is a function, so every session gets a fresh code, and `destroy()` on the pending create() cancels
 * it and frees its slot on the server.
 */
export function useDigitalHuman(container: RefObject<HTMLElement | null>, config: Partial<DigitalHumanConfig>) {
  const [dh, setDh] = useState<DigitalHuman | null>(null);
  const [problem, setProblem] = useState('');

  // biome-ignore lint/correctness/useExhaustiveDependencies: one session per mount; a new config goes through setConfig, not a new session.
  useEffect(() => {
    const pending = create({ ...dhkitSettings(), onceCode: fetchOnceCode, container: container.current!, config });
    pending.then(
      (created) => {
        created.on('error', (e) => setProblem(e.message));
        // The demo robot starts in Chinese; this app is in English (<html lang="en">), so its assistant is too.
        created.changeLanguage({ langCode: 'en_US' }).catch(() => {});
        setDh(created);
      },
      (error: DHKitError) => error.code !== 'CANCELLED' && setProblem(`The assistant is unavailable: ${error.message}`),
    );
    return () => {
      setDh(null);
      void pending.destroy();
    };
    // The config is read once, at start; setConfig() changes it later.
  }, [container]);

  return { dh, problem };
}
