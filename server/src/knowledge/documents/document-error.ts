/** A document that cannot be imported (empty, damaged, protected, of an unknown type, too large, no questions). */
import { CodedError } from '../../errors.js';

export class DocumentError extends CodedError<'DOCUMENT_UNREADABLE'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DOCUMENT_UNREADABLE', message, options);
    this.name = 'DocumentError';
  }
}
