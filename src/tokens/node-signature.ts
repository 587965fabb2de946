import { KeyObject, verify } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { TokenError } from './errors.js';

const keyObjects = new WeakMap<CryptoKey, KeyObject>();
// Tokens whose signature held, per key: a run presents the same token on every tool call, and
// the Ed25519 check was a tenth of the gate's own time. Only a success is remembered, for
// exactly the same token text and key, so the answer is the one the check would give again;
// expiry, claims and revocation are still checked on every call by the caller.
const verifiedTokens = new WeakMap<KeyObject, Map<string, true>>();
const VERIFIED_TOKENS_KEPT = 1024;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const ED25519_SIGNATURE_BYTES = 64;

/**
 * Checks an Ed25519 JWS signature synchronously with node:crypto. jose verifies through
 * WebCrypto, whose promise hops to the thread pool and showed a p99 near 3 ms under load; the
 * signature math is the same. The caller has pinned alg, typ and kid and refused `crit` first.
 */
export function verifyEd25519Signature(token: string, publicKey: CryptoKey): void {
  const key = keyObjectOf(publicKey);
  let verified = verifiedTokens.get(key);
  if (verified?.has(token) === true) return;
  const lastDot = token.lastIndexOf('.');
  const signingInput = token.slice(0, lastDot);
  const encoded = token.slice(lastDot + 1);
  // Attacker-controlled: a signature that is not 64 bytes of strict base64url cannot be valid.
  if (lastDot < 0 || !BASE64URL.test(encoded)) {
    throw new TokenError('bad-signature', 'signature verification failed');
  }
  const signature = Buffer.from(encoded, 'base64url');
  if (signature.length !== ED25519_SIGNATURE_BYTES) {
    throw new TokenError('bad-signature', 'signature verification failed');
  }
  const valid = verify(null, Buffer.from(signingInput, 'ascii'), key, signature);
  if (!valid) throw new TokenError('bad-signature', 'signature verification failed');
  if (verified === undefined) {
    verified = new Map();
    verifiedTokens.set(key, verified);
  }
  // Bounded: the oldest remembered token goes first (a Map keeps insertion order).
  if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value ?? '');
  verified.set(token, true);
}

/** Refuses any `crit` header: Castellan understands no JWS extension (RFC 7515 §4.1.11). */
export function refuseCriticalExtensions(header: Record<string, unknown>): void {
  if (Object.hasOwn(header, 'crit')) {
    throw new TokenError('malformed', 'the token names critical header extensions');
  }
}

function keyObjectOf(publicKey: CryptoKey): KeyObject {
  let key = keyObjects.get(publicKey);
  if (key === undefined) {
    key = KeyObject.from(publicKey as unknown as Parameters<typeof KeyObject.from>[0]);
    keyObjects.set(publicKey, key);
  }
  return key;
}
