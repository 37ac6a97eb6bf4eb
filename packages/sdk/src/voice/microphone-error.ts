import type { LanguageCode } from '@dhkit/protocol';
import { DHKitError } from '../core/errors.js';

/** getUserMedia's DOMExceptions → the catalog's two microphone codes. */
export function microphoneError(error: unknown, language?: LanguageCode): DHKitError {
  if (error instanceof DHKitError) return error;
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return DHKitError.fromCode('MICROPHONE_PERMISSION_DENIED', language, error);
  return DHKitError.fromCode('MICROPHONE_UNAVAILABLE', language, error);
}
