import { CastellanError } from '../core/index.js';
import type { ErrorKind } from '../core/index.js';

/** Every reason the tokens room refuses something, one code per check. */
export type TokenErrorCode =
  // verification failures: the presented token is not accepted
  | 'malformed'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-audience'
  | 'wrong-issuer'
  | 'wrong-type'
  | 'bad-algorithm'
  | 'unknown-key'
  | 'missing-claim'
  | 'act-too-deep'
  | 'revoked'
  | 'revoked-epoch'
  | 'kill-switch'
  | 'revocation-unavailable'
  // token exchange: the run may not have a token any more
  | 'run-revoked'
  | 'subject-disabled'
  // grants and just-in-time requests
  | 'request-not-found'
  | 'request-settled'
  | 'grant-not-found'
  | 'self-approval'
  | 'not-elevatable'
  | 'bad-duration'
  // bad input to minting and scope binding
  | 'bad-claims'
  | 'bad-scope'
  | 'bad-binding'
  // instance key files
  | 'key-file-missing'
  | 'key-file-insecure'
  | 'key-file-malformed'
  | 'key-file-exists';

const kinds: Record<TokenErrorCode, ErrorKind> = {
  malformed: 'unauthenticated',
  'bad-signature': 'unauthenticated',
  expired: 'unauthenticated',
  'not-yet-valid': 'unauthenticated',
  'wrong-audience': 'unauthenticated',
  'wrong-issuer': 'unauthenticated',
  'wrong-type': 'unauthenticated',
  'bad-algorithm': 'unauthenticated',
  'unknown-key': 'unauthenticated',
  'missing-claim': 'unauthenticated',
  'act-too-deep': 'unauthenticated',
  revoked: 'unauthenticated',
  'revoked-epoch': 'unauthenticated',
  // Every token is refused while the kill switch is on: a decision, not a bad credential.
  'kill-switch': 'forbidden',
  // The revocation list could not answer: a denial, but the caller's credential may be fine.
  'revocation-unavailable': 'unavailable',
  'run-revoked': 'forbidden',
  'subject-disabled': 'forbidden',
  'request-not-found': 'not-found',
  'request-settled': 'conflict',
  'grant-not-found': 'not-found',
  'self-approval': 'forbidden',
  'not-elevatable': 'bad-input',
  'bad-duration': 'bad-input',
  'bad-claims': 'bad-input',
  'bad-scope': 'bad-input',
  'bad-binding': 'bad-input',
  // Without a usable signing key the token control cannot answer at all.
  'key-file-missing': 'unavailable',
  'key-file-insecure': 'unavailable',
  'key-file-malformed': 'internal',
  'key-file-exists': 'conflict',
};

/** The error of the tokens room; `kind` follows from `code`. */
export class TokenError extends CastellanError<TokenErrorCode> {
  constructor(
    code: TokenErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super('tokens', code, kinds[code], message, options);
    this.name = 'TokenError';
  }
}
