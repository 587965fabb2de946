import { CastellanError, type ErrorKind } from '../core/index.js';

/** The ways the store fails on purpose; anything else is a bug and propagates as it is. */
export type StoreErrorCode = 'unavailable' | 'conflict' | 'append-only' | 'not-found' | 'invalid';

const kinds: Record<StoreErrorCode, ErrorKind> = {
  unavailable: 'unavailable',
  conflict: 'conflict',
  'append-only': 'forbidden',
  'not-found': 'not-found',
  invalid: 'bad-input',
};

/** Errors of the store room; `unavailable` means the database cannot answer (fail closed). */
export class StoreError extends CastellanError<StoreErrorCode> {
  constructor(
    code: StoreErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('store', code, kinds[code], message, options);
    this.name = 'StoreError';
  }
}
