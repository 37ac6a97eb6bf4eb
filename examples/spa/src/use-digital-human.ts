import { useEffect, useState, type RefObject } from 'react';
import { create, type DigitalHuman, type DigitalHumanConfig } from '@dhkit/sdk';
import { fetchAdmission } from './once-code';

/**
 * One digital human in `container` while the component is mounted. Safe under StrictMode and fast remounts:
 * each start waits for the previous instance to be destroyed (its slot freed), a start that was unmounted before
 * it began never asks for a once-code, and every session gets its own fresh code.
 */
let previous: Promise<unknown> = Promise.resolve();

export function useDigitalHuman(container: RefObject<HTMLElement | null>, config: Partial<DigitalHumanConfig>) {
  const [dh, setDh] = useState<DigitalHuman | null>(null);
  const [problem, setProblem] = useState('');

  useEffect(() => {
    let unmounted = false;
    let instance: DigitalHuman | undefined;
    const start = previous.then(async () => {
      if (unmounted || !container.current) return;
      const { serverAddress, robotId, onceCode } = await fetchAdmission();
      if (unmounted) return;
      instance = await create({ serverAddress, robotId, onceCode, container: container.current, config });
      if (unmounted) return instance.destroy();
      instance.on('error', (e) => setProblem(e.message));
      setDh(instance);
    });
    start.catch((error: unknown) => !unmounted && setProblem(`The assistant is unavailable: ${(error as Error).message}`));
    // The next start (a remount) waits for this one to be over.
    const over = start.then(
      () => undefined,
      () => undefined,
    );
    previous = over;
    return () => {
      unmounted = true;
      setDh(null);
      previous = over.then(() => instance?.destroy());
    };
    // The config is read once, at start; setConfig() changes it later.
  }, [container]);

  return { dh, problem };
}
