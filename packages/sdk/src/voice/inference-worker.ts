/**
 * The page's side of the voice models' Worker (voice.worker.ts, served as `/sdk/voice/voice-worker.js`).
 * A Worker must come from the page's own origin: on the dhkit server's origin (its demo page, a proxy that puts
 * both behind one host) the file is started directly, which a strict CSP allows through `script-src 'self'`;
 * from any other origin a one-line `blob:` module that imports the server's file starts it, which the page's CSP
 * must allow with `worker-src blob:` (docs/security.md). `start` rejects when neither works.
 */
import type { Heard, InferenceReply, InferenceRequest, InferenceResults, RoutedModel } from './inference-protocol.js';

/** How long the Worker may take to load its module before the models run on the page instead. */
const START_TIMEOUT_MS = 15_000;

type Op = InferenceRequest['op'];
type RequestOf<O extends Op> = Omit<Extract<InferenceRequest, { op: O }>, 'id'>;

/** The blob: module's one line: import the server's Worker file, or say why it could not. */
const bootstrap = (href: string) => `import(${JSON.stringify(href)}).catch((error) => postMessage({ loadFailed: String(error) }));`;

export class InferenceWorker {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private failure: Error | null = null;
  /** Per model, hears what it made of the frames sent straight to the Worker (`framesFrom`), or its failures. */
  readonly onHeard: Partial<Record<RoutedModel, (heard: Heard | Error) => void>> = {};

  private constructor(private readonly worker: Worker) {
    worker.onmessage = ({ data }: MessageEvent<InferenceReply>) => {
      if ('ready' in data) return;
      if ('heard' in data) return this.onHeard[data.heard.model]?.(data.heard);
      if ('heardError' in data) return this.onHeard[data.heardError.model]?.(new Error(data.heardError.message));
      const waiter = this.waiting.get(data.id);
      this.waiting.delete(data.id);
      if (data.ok) waiter?.resolve(data.value);
      else waiter?.reject(new Error(data.message));
    };
    worker.onerror = (event) => this.fail(new Error(`voice worker failed: ${event.message || 'error'}`));
  }

  /** Starts the Worker from `{assetBase}/voice-worker.js` and waits until it listens. */
  static start(assetBase: string): Promise<InferenceWorker> {
    const url = new URL(`${assetBase}/voice-worker.js`, location.href);
    const sameOrigin = url.origin === location.origin;
    const blobUrl = sameOrigin
      ? null
      : // A dynamic import: Chromium refuses a static cross-origin import in a blob: module Worker (a bare error event).
        URL.createObjectURL(new Blob([bootstrap(url.href)], { type: 'text/javascript' }));
    return new Promise<InferenceWorker>((resolve, reject) => {
      let worker: Worker;
      try {
        worker = new Worker(blobUrl ?? url.href, { type: 'module', name: 'dhkit-voice' });
      } catch (error) {
        reject(error);
        return;
      }
      const settle = (error: Error | null) => {
        clearTimeout(timer);
        if (blobUrl) URL.revokeObjectURL(blobUrl);
        worker.onmessage = null;
        worker.onerror = null;
        if (!error) return resolve(new InferenceWorker(worker));
        worker.terminate();
        reject(error);
      };
      const timer = setTimeout(() => settle(new Error(`voice worker did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      worker.onmessage = ({ data }: MessageEvent<InferenceReply | { loadFailed: string }>) => {
        if ('ready' in data) settle(null);
        else if ('loadFailed' in data) settle(new Error(`voice worker could not load ${url.href}: ${data.loadFailed}`));
      };
      worker.onerror = (event) => {
        event.preventDefault();
        settle(new Error(`voice worker could not start (${sameOrigin ? url.href : 'blob: module importing the server file'})`));
      };
    });
  }

  /** Sends one request; `transfer` hands its buffers over (the caller must not touch them afterwards). */
  call<O extends Op>(request: RequestOf<O> & { op: O }, transfer: Transferable[] = []): Promise<InferenceResults[O]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<InferenceResults[O]>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  terminate(): void {
    this.fail(new Error('voice worker closed'));
    this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
