/**
 * The browser's own speech recognition (Web Speech API) as a client-side alternative to the server's ASR
 * (`asrMode: 'browser'`). No model and no audio upload: the browser's vendor does the recognition, which is
 * why it lives in the main bundle. Interim results overwrite each other; each final result is a question.
 */
import type { ErrorCode, LanguageCode } from '@dhkit/protocol';
import { DHKitError } from '../core/errors.js';

/** The slice of the Web Speech API this adapter uses (not in TypeScript's DOM lib). */
interface SpeechRecognitionLike {
  lang: string;
  continuous: boolean;
  interimResults: boolean;
  onresult: ((event: { resultIndex: number; results: ArrayLike<{ isFinal: boolean; 0: { transcript: string } }> }) => void) | null;
  onerror: ((event: { error: string }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
  abort(): void;
}
type SpeechRecognitionConstructor = new () => SpeechRecognitionLike;

function recognitionClass(): SpeechRecognitionConstructor | null {
  const scope = globalThis as { SpeechRecognition?: SpeechRecognitionConstructor; webkitSpeechRecognition?: SpeechRecognitionConstructor };
  return scope.SpeechRecognition ?? scope.webkitSpeechRecognition ?? null;
}

/** The Web Speech API's error names, mapped to the catalog. */
export function recognitionErrorCode(error: string): ErrorCode | null {
  switch (error) {
    case 'no-speech':
    case 'aborted':
      return null; // nothing was said, or we stopped it: not an error for the visitor
    case 'not-allowed':
    case 'service-not-allowed':
      return 'MICROPHONE_PERMISSION_DENIED';
    case 'audio-capture':
      return 'MICROPHONE_UNAVAILABLE';
    default:
      return 'SPEECH_RECOGNITION_FAILED';
  }
}

export interface BrowserRecognitionHandlers {
  /** Text so far of the current utterance (`isFinal` false), or its final text. */
  result(text: string, isFinal: boolean): void;
  error(code: ErrorCode, detail: string): void;
}

export class BrowserRecognition {
  private recognition: SpeechRecognitionLike | null = null;
  /** Hands-free keeps listening after each utterance; push-to-talk ends at `stop()`. */
  private keepListening = false;

  static isAvailable(): boolean {
    return recognitionClass() !== null;
  }

  constructor(private readonly handlers: BrowserRecognitionHandlers) {}

  get active(): boolean {
    return this.recognition !== null;
  }

  /** Starts listening in `language`; `handsFree` restarts after every utterance until `stop()`. */
  start(language: LanguageCode, handsFree: boolean): void {
    this.stop();
    const Recognition = recognitionClass();
    if (!Recognition) throw new DHKitError('BROWSER_NOT_SUPPORTED', 'No SpeechRecognition in this browser.');
    const recognition = new Recognition();
    recognition.lang = language.replace('_', '-');
    recognition.continuous = handsFree;
    recognition.interimResults = true;
    recognition.onresult = (event) => {
      for (let i = event.resultIndex; i < event.results.length; i++) {
        const result = event.results[i];
        this.handlers.result(result[0].transcript.trim(), result.isFinal);
      }
    };
    recognition.onerror = (event) => {
      const code = recognitionErrorCode(event.error);
      if (!code) return;
      this.keepListening = false;
      this.handlers.error(code, event.error);
    };
    recognition.onend = () => {
      if (this.recognition !== recognition) return;
      // Browsers end continuous recognition after a while of silence; hands-free picks up again.
      if (this.keepListening) recognition.start();
      else this.recognition = null;
    };
    this.keepListening = handsFree;
    this.recognition = recognition;
    recognition.start();
  }

  /** Stops listening; what was said so far still arrives as a final result. */
  stop(): void {
    const recognition = this.recognition;
    this.keepListening = false;
    if (!recognition) return;
    recognition.stop();
  }

  /** Stops at once, dropping what was not recognised yet. */
  abort(): void {
    const recognition = this.recognition;
    this.keepListening = false;
    this.recognition = null;
    recognition?.abort();
  }
}
