import { describe, expect, it } from 'vitest';
import { pae, signEnvelope } from './dsse.js';
import { generatePublisherKey, parsePrivateKey, parsePublicKey, verifyBytes } from './keys.js';
import { generateKeyPairSync } from 'node:crypto';

describe('DSSE', () => {
  it('encodes the specification test vector exactly', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
  });

  it('counts lengths in bytes, not characters', () => {
    expect(pae('t', Buffer.from('é')).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it.each(['ed25519', 'ecdsa-p256'] as const)(
    'signs the PAE with an %s key and verifies only that message',
    (algorithm) => {
      const pair = generatePublisherKey(algorithm);
      const key = parsePrivateKey(pair.privateKeyPem);
      const envelope = signEnvelope('application/x', Buffer.from('body'), key);
      expect(envelope.signatures[0]?.keyid).toBe(pair.keyId);
      const publicKey = parsePublicKey(pair.publicKeyPem);
      expect(publicKey.keyId).toBe(pair.keyId);
      const sig = Buffer.from(envelope.signatures[0]?.sig ?? '', 'base64');
      expect(verifyBytes(publicKey, pae('application/x', Buffer.from('body')), sig)).toBe(true);
      expect(verifyBytes(publicKey, pae('application/y', Buffer.from('body')), sig)).toBe(false);
      expect(verifyBytes(publicKey, Buffer.from('body'), Buffer.from('garbage'))).toBe(false);
    },
  );

  it('refuses keys that are not Ed25519 or P-256, and text that is not a key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parsePublicKey(pem)).toThrow(/Ed25519 or ECDSA P-256/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(() =>
      parsePublicKey(p384.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    ).toThrow(/Ed25519 or ECDSA P-256/);
    expect(() => parsePublicKey('not a key')).toThrow(/not a PEM public key/);
    expect(() => parsePrivateKey('not a key')).toThrow(/not a PEM private key/);
  });
});
