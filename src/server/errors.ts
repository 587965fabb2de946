import { CastellanError, type ErrorKind } from '../core/index.js';

/** Every reason the HTTP adapter itself refuses a request, one code per check. */
export type ServerErrorCode =
  | 'missing-credential'
  | 'malformed-authorization'
  | 'bad-query'
  | 'bad-params'
  | 'bad-body'
  | 'store-unavailable';

const kinds: Record<ServerErrorCode, ErrorKind> = {
  'missing-credential': 'unauthenticated',
  'malformed-authorization': 'unauthenticated',
  'bad-query': 'bad-input',
  'bad-params': 'bad-input',
  'bad-body': 'bad-input',
  'store-unavailable': 'unavailable',
};

/** The error of the server room; `kind` follows from `code`. */
export class ServerError extends CastellanError<ServerErrorCode> {
  constructor(code: ServerErrorCode, message: string, options: { cause?: unknown } = {}) {
    super('server', code, kinds[code], message, options);
    this.name = 'ServerError';
  }
}
