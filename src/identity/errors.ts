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
  | 'bad-request'
  // OIDC bearer tokens: one code per check, so a refusal says which one failed
  | 'oidc-not-configured'
  | 'oidc-malformed'
  | 'oidc-bad-algorithm'
  | 'oidc-bad-signature'
  | 'oidc-unknown-key'
  | 'oidc-expired'
  | 'oidc-not-yet-valid'
  | 'oidc-wrong-issuer'
  | 'oidc-wrong-audience'
  | 'oidc-missing-claim'
  | 'oidc-bad-subject'
  | 'oidc-discovery-invalid'
  | 'oidc-jwks-invalid'
  | 'oidc-unavailable';

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
  'oidc-not-configured': 'unauthenticated',
  'oidc-malformed': 'unauthenticated',
  'oidc-bad-algorithm': 'unauthenticated',
  'oidc-bad-signature': 'unauthenticated',
  'oidc-unknown-key': 'unauthenticated',
  'oidc-expired': 'unauthenticated',
  'oidc-not-yet-valid': 'unauthenticated',
  'oidc-wrong-issuer': 'unauthenticated',
  'oidc-wrong-audience': 'unauthenticated',
  'oidc-missing-claim': 'unauthenticated',
  'oidc-bad-subject': 'unauthenticated',
  // The issuer answered with something that is not a usable document or key set: the token
  // cannot be checked, so it is not accepted.
  'oidc-discovery-invalid': 'unauthenticated',
  'oidc-jwks-invalid': 'unauthenticated',
  // The issuer could not be reached: nothing is accepted until it can be (fail closed).
  'oidc-unavailable': 'unavailable',
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
