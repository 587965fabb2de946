import { SignJWT } from 'jose';
import type { CastellanConfig } from '../config/index.js';
import { newId } from '../core/index.js';
import type { Clock } from '../core/index.js';
import { TokenError } from './errors.js';
import type { InstanceKeys } from './instance-keys.js';
import {
  DEFAULT_CLIENT_ID,
  MAX_TOKEN_BYTES,
  MAX_TOKEN_TTL_SECONDS,
  TOKEN_ALGORITHM,
  TOKEN_TYPE,
} from './limits.js';
import { isGrantableScope } from './scopes.js';

/** Who the token acts for, which agent acts, and what it may do in which run. */
export interface MintClaims {
  sub: string;
  act: { sub: string };
  scopes: string[];
  runId: string;
  orgId: string;
  clientId?: string;
}

/** A minted token and the facts the caller records about it. */
export interface MintedToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

/**
 * Mints an RFC 9068 access token for one run (RFC 8693 shape: `sub` the user, `act` the agent),
 * signed with the instance key and living at most 900 seconds whatever the config says.
 */
export async function mintCapabilityToken(
  keys: InstanceKeys,
  config: CastellanConfig['tokens'],
  claims: MintClaims,
  clock: Clock,
): Promise<MintedToken> {
  checkMintClaims(claims);
  const ttl = Math.min(config.ttlSeconds, MAX_TOKEN_TTL_SECONDS);
  if (!Number.isInteger(ttl) || ttl < 1) {
    throw new TokenError('bad-claims', `token lifetime ${ttl} is not a positive whole number`);
  }
  const issuedAt = Math.floor(clock.now().getTime() / 1000);
  const jti = newId('jti');
  const token = await new SignJWT({
    act: { sub: claims.act.sub },
    client_id: claims.clientId ?? DEFAULT_CLIENT_ID,
    scope: [...new Set(claims.scopes)].join(' '),
    run_id: claims.runId,
    org_id: claims.orgId,
  })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: TOKEN_TYPE, kid: keys.kid })
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setSubject(claims.sub)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + ttl)
    .setJti(jti)
    .sign(keys.privateKey);
  if (token.length > MAX_TOKEN_BYTES) {
    throw new TokenError('bad-claims', 'the token would exceed the size verification accepts');
  }
  return { token, jti, expiresAt: new Date((issuedAt + ttl) * 1000) };
}

// A token the verifier would refuse is refused here, where the caller can still fix it.
function checkMintClaims(claims: MintClaims): void {
  const texts = {
    sub: claims.sub,
    'act.sub': claims.act.sub,
    runId: claims.runId,
    orgId: claims.orgId,
    clientId: claims.clientId ?? DEFAULT_CLIENT_ID,
  };
  for (const [name, value] of Object.entries(texts)) {
    if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
      throw new TokenError('bad-claims', `${name} must be a non-empty string of at most 512`);
    }
  }
  for (const scope of claims.scopes) {
    if (!isGrantableScope(scope)) throw new TokenError('bad-scope', `malformed scope "${scope}"`);
  }
}
