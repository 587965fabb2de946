import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { sha256Hex } from '../../core/index.js';
import { PackError } from '../errors.js';

/** The signature algorithms a publisher key may use. */
export type SigningAlgorithm = 'ed25519' | 'ecdsa-p256';

/** A publisher's key pair as written by `packs keygen` (PEM: PKCS#8 private, SPKI public). */
export interface PublisherKeyPair {
  algorithm: SigningAlgorithm;
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A parsed key with what it is. */
export interface ParsedKey {
  key: KeyObject;
  algorithm: SigningAlgorithm;
  keyId: string;
}

/** Makes a new publisher key pair. */
export function generatePublisherKey(algorithm: SigningAlgorithm): PublisherKeyPair {
  const { privateKey, publicKey } =
    algorithm === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    algorithm,
    keyId: keyIdOf(publicKey),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** `sha256:<hex>` of the public key's SPKI DER: a name for the key, never a reason to trust it. */
export function keyIdOf(publicKey: KeyObject): string {
  return `sha256:${sha256Hex(publicKey.export({ type: 'spki', format: 'der' }))}`;
}

function algorithmOf(key: KeyObject, where: string): SigningAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
    return 'ecdsa-p256';
  throw new PackError(
    'invalid-key',
    `${where} is a ${key.asymmetricKeyType ?? 'unknown'} key; publisher keys are Ed25519 or ECDSA P-256`,
  );
}

/** Parses a public key in PEM (SPKI); the text may come from anywhere and is checked. */
export function parsePublicKey(pem: string, where = 'the public key'): ParsedKey {
  let key: KeyObject;
  try {
    if (pem.length > 16 * 1024) throw new Error('longer than 16 KiB');
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new PackError(
      'invalid-key',
      `${where} is not a PEM public key: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (key.type !== 'public') throw new PackError('invalid-key', `${where} is not a public key`);
  return { key, algorithm: algorithmOf(key, where), keyId: keyIdOf(key) };
}

/** Parses a private key in PEM (PKCS#8); its key id is its public half's. */
export function parsePrivateKey(pem: string, where = 'the private key'): ParsedKey {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new PackError(
      'invalid-key',
      `${where} is not a PEM private key: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return { key, algorithm: algorithmOf(key, where), keyId: keyIdOf(createPublicKey(key)) };
}

/** Signs bytes: Ed25519 (pure) or ECDSA P-256 with SHA-256, DER-encoded as DSSE tools expect. */
export function signBytes(privateKey: ParsedKey, data: Buffer): Buffer {
  return privateKey.algorithm === 'ed25519'
    ? sign(null, data, privateKey.key)
    : sign('sha256', data, { key: privateKey.key, dsaEncoding: 'der' });
}

/** Verifies a signature; malformed signatures are simply invalid, never an exception. */
export function verifyBytes(publicKey: ParsedKey, data: Buffer, signature: Buffer): boolean {
  try {
    return publicKey.algorithm === 'ed25519'
      ? verify(null, data, publicKey.key, signature)
      : verify('sha256', data, { key: publicKey.key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
