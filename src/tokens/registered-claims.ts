import { TokenError } from './errors.js';

/** What the registered claims of a verified payload must satisfy. */
export interface RegisteredClaimRules {
  issuer: string;
  audience: string;
  required: readonly string[];
  /** Longest accepted age from `iat`, in seconds. */
  maxAgeSeconds: number;
  toleranceSeconds: number;
  now: Date;
}

/**
 * Checks presence, issuer, audience and times of an authenticated payload, in the order jose's
 * jwtVerify does and with the same outcomes (so both verification engines refuse alike): the
 * required claims, iss, aud, then iat type, nbf, exp, and the age and future of iat.
 */
export function checkRegisteredClaims(
  payload: Record<string, unknown>,
  rules: RegisteredClaimRules,
): void {
  for (const claim of rules.required) {
    if (!Object.hasOwn(payload, claim)) {
      throw new TokenError('missing-claim', `missing required "${claim}" claim`);
    }
  }
  if (payload.iss !== rules.issuer) {
    throw new TokenError('wrong-issuer', 'unexpected "iss" claim value');
  }
  const audience = payload.aud;
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (!audiences.includes(rules.audience)) {
    throw new TokenError('wrong-audience', 'unexpected "aud" claim value');
  }
  const now = Math.floor(rules.now.getTime() / 1000);
  const tolerance = rules.toleranceSeconds;
  const iat = numeric(payload, 'iat');
  const nbf = numeric(payload, 'nbf');
  const exp = numeric(payload, 'exp');
  if (nbf !== undefined && nbf > now + tolerance) {
    throw new TokenError('not-yet-valid', '"nbf" claim timestamp check failed');
  }
  if (exp !== undefined && exp <= now - tolerance) {
    throw new TokenError('expired', '"exp" claim timestamp check failed');
  }
  if (iat === undefined) throw new TokenError('missing-claim', 'missing required "iat" claim');
  const age = now - iat;
  if (age - tolerance > rules.maxAgeSeconds) {
    throw new TokenError('expired', '"iat" claim timestamp check failed (too far in the past)');
  }
  if (age < -tolerance) {
    throw new TokenError(
      'not-yet-valid',
      '"iat" claim timestamp check failed (it should be in the past)',
    );
  }
}

// A present time claim must be a finite number; anything else is a malformed token.
function numeric(payload: Record<string, unknown>, claim: string): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TokenError('malformed', `"${claim}" claim must be a number`);
  }
  return value;
}
