import { z } from 'zod';
import { TokenError } from './errors.js';

/** What a verified capability token says: for whom, which actor, which scopes, which run. */
export interface CapabilityClaims {
  sub: string;
  act: { sub: string };
  scopes: string[];
  runId: string;
  orgId: string;
  jti: string;
  /** When the token was issued (whole seconds), for revocation epochs. */
  iat: Date;
  exp: Date;
  clientId: string;
}

/** Claims every capability token must carry; jose checks their presence after the signature. */
export const REQUIRED_CLAIMS = [
  'iss',
  'aud',
  'sub',
  'act',
  'client_id',
  'scope',
  'run_id',
  'org_id',
  'iat',
  'nbf',
  'exp',
  'jti',
] as const;

const text = z.string().min(1).max(512);
// RFC 6749 scope-token characters, separated by single spaces; empty means no scopes.
const scope = z.string().regex(/^([\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*)?$/);
const actor = z.object({ sub: text }).loose();

/** The payload after signature and registered-claim checks; still checked for shape here. */
const payloadSchema = z
  .object({
    sub: text,
    act: actor,
    client_id: text,
    scope,
    run_id: text,
    org_id: text,
    jti: text,
    iat: z.number().finite(),
    exp: z.number().finite(),
  })
  .loose();

/**
 * Turns an authenticated payload into claims. The issuer signed it, so a failure here means a
 * token from an incompatible minter, not an attack; it is refused all the same.
 */
export function toCapabilityClaims(payload: Record<string, unknown>): CapabilityClaims {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new TokenError('malformed', 'the token claims do not have the expected shape', {
      cause: parsed.error,
    });
  }
  const claims = parsed.data;
  return {
    sub: claims.sub,
    act: { sub: claims.act.sub },
    scopes: claims.scope === '' ? [] : claims.scope.split(' '),
    runId: claims.run_id,
    orgId: claims.org_id,
    jti: claims.jti,
    iat: new Date(claims.iat * 1000),
    exp: new Date(claims.exp * 1000),
    clientId: claims.client_id,
  };
}

/**
 * Refuses a delegation chain longer than `maxDepth`: `act: {sub}` is depth 1, each nested
 * `act` adds one. Walks at most `maxDepth + 1` levels of the (size-bounded) payload.
 */
export function checkActDepth(payload: Record<string, unknown>, maxDepth: number): void {
  let actor: unknown = payload.act;
  for (let depth = 1; isObject(actor); depth += 1) {
    // Written as !(<=) so that a NaN limit refuses instead of allowing any depth.
    if (!(depth <= maxDepth)) {
      throw new TokenError('act-too-deep', `the delegation chain is deeper than ${maxDepth}`);
    }
    if (typeof actor.sub !== 'string' || actor.sub === '') {
      throw new TokenError('malformed', 'an act claim names no subject');
    }
    actor = actor.act;
  }
  if (actor !== undefined) throw new TokenError('malformed', 'an act claim is not an object');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
