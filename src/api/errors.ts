import { CastellanError, type ErrorKind } from '../core/index.js';

export type ApiErrorCode =
  | 'bad-input'
  | 'unknown-user'
  | 'unknown-agent'
  | 'forbidden'
  | 'not-found'
  | 'home-exists'
  | 'conflict'
  | 'unauthenticated';

const kinds: Record<ApiErrorCode, ErrorKind> = {
  'bad-input': 'bad-input',
  'unknown-user': 'bad-input',
  'unknown-agent': 'not-found',
  forbidden: 'forbidden',
  'not-found': 'not-found',
  'home-exists': 'conflict',
  conflict: 'conflict',
  unauthenticated: 'unauthenticated',
};

/** Errors of the application service. */
export class ApiError extends CastellanError<ApiErrorCode> {
  constructor(code: ApiErrorCode, message: string, details?: Record<string, unknown>) {
    super('api', code, kinds[code], message, details === undefined ? {} : { details });
  }
}
