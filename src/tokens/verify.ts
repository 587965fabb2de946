import { jwtVerify } from 'jose';
import type { CastellanConfig } from '../config/index.js';
import type { Clock } from '../core/index.js';
import { checkActDepth, REQUIRED_CLAIMS, toCapabilityClaims } from './claims.js';
import type { CapabilityClaims } from './claims.js';
import { checkAlgorithm, checkKeyId, checkType } from './check-header.js';
import { decodeCompactToken } from './compact-token.js';
import { TokenError } from './errors.js';
import type { InstanceKeys } from './instance-keys.js';
import { fromJoseError } from './jose-errors.js';
import { MAX_TOKEN_TTL_SECONDS, TOKEN_ALGORITHM, TOKEN_TYPE } from './limits.js';
import { refuseCriticalExtensions, verifyEd25519Signature } from './node-signature.js';
import { checkRegisteredClaims } from './registered-claims.js';
import { toRevocationError, type RevocationAnswer } from './revocation-answer.js';

/** What verification needs besides the token: time, the revocation list, the delegation limit. */
export interface VerifyOptions {
  clock: Clock;
  /**
   * Answers whether the token is revoked: `false` passes; `true` or a reason refuses; a throw is
   * a denial ('revocation-unavailable'), never a pass. Asked only after the signature holds.
   */
  isRevoked: (jti: string, claims: CapabilityClaims) => Promise<RevocationAnswer>;
  /** Longest accepted `act` chain; 1 (the default) allows one actor and no nesting. */
  maxActDepth?: number;
  /**
   * `node` (default) checks the signature with node:crypto synchronously; `jose` with jose's
   * jwtVerify (WebCrypto). Both make the same checks and refuse with the same codes.
   */
  engine?: 'node' | 'jose';
}

/**
 * Verifies a presented capability token and returns its claims, or throws a TokenError naming
 * the first check that failed. The token is attacker-controlled until the signature is checked.
 */
export async function verifyCapabilityToken(
  token: string,
  keys: InstanceKeys,
  config: CastellanConfig['tokens'],
  options: VerifyOptions,
): Promise<CapabilityClaims> {
  const untrusted = decodeCompactToken(token);
  checkAlgorithm(untrusted.header);
  checkType(untrusted.header);
  checkKeyId(untrusted.header, keys.kid);
  const payload =
    options.engine === 'jose'
      ? await verifyWithJose(token, keys, config, options.clock)
      : verifyWithNode(token, untrusted, keys, config, options.clock);
  checkActDepth(payload, options.maxActDepth ?? 1);
  const claims = toCapabilityClaims(payload);
  await checkNotRevoked(claims, options.isRevoked);
  return claims;
}

// Signature first; only an authenticated payload has its claims looked at.
function verifyWithNode(
  token: string,
  untrusted: ReturnType<typeof decodeCompactToken>,
  keys: InstanceKeys,
  config: CastellanConfig['tokens'],
  clock: Clock,
): Record<string, unknown> {
  refuseCriticalExtensions(untrusted.header);
  verifyEd25519Signature(token, keys.publicKey);
  checkRegisteredClaims(untrusted.payload, {
    issuer: config.issuer,
    audience: config.audience,
    required: REQUIRED_CLAIMS,
    maxAgeSeconds: MAX_TOKEN_TTL_SECONDS,
    toleranceSeconds: config.clockToleranceSeconds,
    now: clock.now(),
  });
  return untrusted.payload;
}

// jose checks the signature first, then presence of every required claim, iss, aud, typ, nbf,
// exp, and iat (which must lie in the past and within the longest lifetime we ever mint).
async function verifyWithJose(
  token: string,
  keys: InstanceKeys,
  config: CastellanConfig['tokens'],
  clock: Clock,
): Promise<Record<string, unknown>> {
  try {
    const result = await jwtVerify(token, keys.publicKey, {
      algorithms: [TOKEN_ALGORITHM],
      typ: TOKEN_TYPE,
      issuer: config.issuer,
      audience: config.audience,
      requiredClaims: [...REQUIRED_CLAIMS],
      maxTokenAge: MAX_TOKEN_TTL_SECONDS,
      clockTolerance: config.clockToleranceSeconds,
      currentDate: clock.now(),
    });
    return result.payload;
  } catch (error) {
    throw fromJoseError(error);
  }
}

async function checkNotRevoked(
  claims: CapabilityClaims,
  isRevoked: VerifyOptions['isRevoked'],
): Promise<void> {
  let answer: RevocationAnswer;
  try {
    answer = await isRevoked(claims.jti, claims);
  } catch (cause) {
    throw new TokenError('revocation-unavailable', 'the revocation list could not be read', {
      cause,
    });
  }
  // Only a literal false passes; a truthy or odd answer from a broken adapter denies.
  if (answer !== false) throw toRevocationError(answer);
}
