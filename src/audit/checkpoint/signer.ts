import { KeyObject, createPrivateKey, createPublicKey, sign, type webcrypto } from 'node:crypto';
import type { NoteSigner } from './note.js';

/**
 * An Ed25519 note signer from a private key: a node:crypto KeyObject, or a WebCrypto CryptoKey
 * such as the instance keys the tokens room loads (converted, never exported).
 */
export function ed25519Signer(
  name: string,
  privateKey: KeyObject | webcrypto.CryptoKey,
): NoteSigner {
  const key = privateKey instanceof KeyObject ? privateKey : KeyObject.from(privateKey);
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('the checkpoint key must be an Ed25519 private key');
  }
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  const publicKey = Buffer.from(String(jwk.x), 'base64url');
  return {
    name,
    publicKey,
    sign: async (message) => sign(null, message, key),
  };
}

/** A signer from a PEM private key (tests and benchmarks). */
export function ed25519SignerFromPem(name: string, pem: string): NoteSigner {
  return ed25519Signer(name, createPrivateKey(pem));
}
