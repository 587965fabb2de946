import { errors } from 'jose';
import { TokenError } from './errors.js';
import type { TokenErrorCode } from './errors.js';

/**
 * Translates what jose throws during verification into one TokenError code. Anything not
 * recognised is still a refusal: verification never turns an unknown error into a pass.
 */
export function fromJoseError(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  const code = codeFor(error);
  const message = error instanceof Error ? error.message : 'the token could not be verified';
  return new TokenError(code, message, { cause: error });
}

function codeFor(error: unknown): TokenErrorCode {
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature';
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return claimCode(error);
  if (error instanceof errors.JOSEAlgNotAllowed) return 'bad-algorithm';
  // The header was pinned to EdDSA before jose ran, so "not supported" here is an unknown
  // `crit` extension or a similar structural oddity.
  if (error instanceof errors.JOSENotSupported) return 'malformed';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed';
  return 'bad-signature';
}

function claimCode(error: InstanceType<typeof errors.JWTClaimValidationFailed>): TokenErrorCode {
  if (error.reason === 'missing') return 'missing-claim';
  if (error.reason !== 'check_failed') return 'malformed';
  switch (error.claim) {
    case 'nbf':
    case 'iat':
      return 'not-yet-valid';
    case 'aud':
      return 'wrong-audience';
    case 'iss':
      return 'wrong-issuer';
    case 'typ':
      return 'wrong-type';
    default:
      return 'malformed';
  }
}
