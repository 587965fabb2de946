import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { TOKEN_ALGORITHM } from './limits.js';

/** The instance's Ed25519 signing key pair; `kid` is the RFC 7638 thumbprint of the public key. */
export interface InstanceKeys {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** Generates a fresh Ed25519 key pair for signing capability tokens. */
export async function generateInstanceKeys(): Promise<InstanceKeys> {
  const pair = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  const publicJwk = publicMembers(await exportJWK(pair.publicKey));
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return {
    kid,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicJwk: { ...publicJwk, kid, alg: TOKEN_ALGORITHM, use: 'sig' },
  };
}

/** Exports the private key as a JWK carrying the same `kid`, for writing to the key file. */
export async function exportPrivateJwk(keys: InstanceKeys): Promise<JWK> {
  const jwk = await exportJWK(keys.privateKey);
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d, kid: keys.kid, alg: TOKEN_ALGORITHM };
}

/**
 * Rebuilds instance keys from the two stored JWKs (already shape-checked by the caller) and
 * proves they belong together by signing and verifying a probe.
 */
export async function instanceKeysFromJwks(
  privateJwk: JWK,
  publicJwk: JWK,
): Promise<InstanceKeys | undefined> {
  const members = publicMembers(publicJwk);
  if (privateJwk.x !== members.x) return undefined;
  const kid = await calculateJwkThumbprint(members, 'sha256');
  const privateKey = await importJWK({ ...privateJwk, ext: false }, TOKEN_ALGORITHM);
  const publicKey = await importJWK({ ...members, ext: true }, TOKEN_ALGORITHM);
  if (!isCryptoKey(privateKey) || !isCryptoKey(publicKey)) return undefined;
  if (!(await keysMatch(privateKey, publicKey))) return undefined;
  return {
    kid,
    privateKey,
    publicKey,
    publicJwk: { ...members, kid, alg: TOKEN_ALGORITHM, use: 'sig' },
  };
}

function publicMembers(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

function isCryptoKey(key: unknown): key is CryptoKey {
  return typeof key === 'object' && key !== null && 'type' in key && 'algorithm' in key;
}

async function keysMatch(privateKey: CryptoKey, publicKey: CryptoKey): Promise<boolean> {
  const probe = new TextEncoder().encode('castellan instance key probe');
  const signature = await crypto.subtle.sign('Ed25519', privateKey, probe);
  return crypto.subtle.verify('Ed25519', publicKey, signature, probe);
}
