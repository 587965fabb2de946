import { CastellanError } from '../core/index.js';
import type { ErrorKind } from '../core/index.js';

/** Every reason the identity room refuses a credential or a request, one code per check. */
export type IdentityErrorCode =
  | 'malformed-credential'
  | 'unknown-key'
  | 'bad-secret'
  | 'expired-key'
  | 'revoked-key'
  | 'unknown-user'
  | 'disabled-user'
  | 'bad-request';

const kinds: Record<IdentityErrorCode, ErrorKind> = {
  'malformed-credential': 'unauthenticated',
  'unknown-key': 'unauthenticated',
  'bad-secret': 'unauthenticated',
  'expired-key': 'unauthenticated',
  'revoked-key': 'unauthenticated',
  'unknown-user': 'unauthenticated',
  // The credential is good but its owner may not act: refused, not unrecognised.
  'disabled-user': 'forbidden',
  'bad-request': 'bad-input',
};

/** The error of the identity room; `kind` follows from `code`. */
export class IdentityError extends CastellanError<IdentityErrorCode> {
  constructor(
    code: IdentityErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('identity', code, kinds[code], message, options);
    this.name = 'IdentityError';
  }
}
