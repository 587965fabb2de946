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

/** What verification needs besides the token: time, the revocation list, the delegation limit. */
export interface VerifyOptions {
  clock: Clock;
  /** Answers whether a jti is revoked; a throw is a denial, never a pass. */
  isRevoked: (jti: string) => Promise<boolean>;
  /** Longest accepted `act` chain; 1 (the default) allows one actor and no nesting. */
  maxActDepth?: number;
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
  const payload = await verifySignatureAndTimes(token, keys, config, options.clock);
  checkActDepth(payload, options.maxActDepth ?? 1);
  const claims = toCapabilityClaims(payload);
  await checkNotRevoked(claims.jti, options.isRevoked);
  return claims;
}

// jose checks the signature first, then presence of every required claim, iss, aud, typ, nbf,
// exp, and iat (which must lie in the past and within the longest lifetime we ever mint).
async function verifySignatureAndTimes(
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

async function checkNotRevoked(jti: string, isRevoked: VerifyOptions['isRevoked']): Promise<void> {
  let revoked: boolean;
  try {
    revoked = await isRevoked(jti);
  } catch (cause) {
    throw new TokenError('revocation-unavailable', 'the revocation list could not be read', {
      cause,
    });
  }
  // Only a literal false passes; a truthy or odd answer from a broken adapter denies.
  if (revoked !== false) throw new TokenError('revoked', 'the token has been revoked');
}
