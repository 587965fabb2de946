import { describe, expect, it } from 'vitest';
import { testKey } from '../__fixtures__/audit-harness.js';
import { leafHash } from '../merkle/hashes.js';
import { checkpointBody, openCheckpoint, signCheckpoint } from './checkpoint-note.js';
import { formatVerifierKey, keyIdOf, openNote, parseVerifierKey, signNote } from './note.js';

// Go's sumdb/note documentation example (REFERENCES.md).
const PETER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_BODY =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_NOTE = `${PETER_BODY}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('C2SP signed notes', () => {
  it('verifies the PeterNeumann reference note with its verifier key', () => {
    const verifier = parseVerifierKey(PETER);
    expect(verifier.keyId.toString(16)).toBe('c74f20a3');
    expect(keyIdOf('PeterNeumann', verifier.publicKey)).toBe(0xc74f20a3);
    expect(formatVerifierKey('PeterNeumann', verifier.publicKey)).toBe(PETER);
    expect(openNote(PETER_NOTE, [verifier])).toEqual({
      body: PETER_BODY,
      signatures: [{ name: 'PeterNeumann', keyId: 0xc74f20a3, verified: true }],
    });
  });

  it('does not verify the reference note once its body changes by one character', () => {
    const verifier = parseVerifierKey(PETER);
    const altered = PETER_NOTE.replace('cryptography', 'Cryptography');
    expect(openNote(altered, [verifier]).signatures[0]?.verified).toBe(false);
  });

  it('reports signatures by unknown keys unverified instead of trusting them', () => {
    const other = testKey('PeterNeumann');
    expect(openNote(PETER_NOTE, [other.verifier]).signatures[0]?.verified).toBe(false);
    expect(openNote(PETER_NOTE, []).signatures[0]?.verified).toBe(false);
  });

  it('refuses malformed notes and verifier keys with a clear error', () => {
    for (const note of [
      'no newline',
      'body\n',
      'body\n\nnot a signature line\n',
      `${PETER_BODY}\n\u2014 x !!!\n`,
    ]) {
      expect(() => openNote(note, [])).toThrow(expect.objectContaining({ code: 'bad-note' }));
    }
    for (const key of [
      '',
      'PeterNeumann',
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'a b+00000000+AA==',
    ]) {
      expect(() => parseVerifierKey(key)).toThrow(expect.objectContaining({ code: 'bad-note' }));
    }
  });

  it('signs notes that verify with the key, whose base64 may hold "+"', async () => {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const { signer, verifier, verifierKey } = testKey();
      expect(parseVerifierKey(verifierKey)).toEqual(verifier);
      const note = await signNote('hello\nworld\n', signer);
      expect(openNote(note, [verifier]).signatures).toEqual([
        { name: signer.name, keyId: verifier.keyId, verified: true },
      ]);
    }
  });
});

describe('tlog checkpoints', () => {
  it('writes origin, size and base64 root, and reads back only what the key signed for its origin', async () => {
    const { signer, verifier } = testKey();
    const root = leafHash('root');
    expect(checkpointBody({ origin: signer.name, size: 12, root })).toBe(
      `${signer.name}\n12\n${Buffer.from(root).toString('base64')}\n`,
    );
    const note = await signCheckpoint({ origin: signer.name, size: 12, root }, signer);
    expect(openCheckpoint(note, verifier)).toMatchObject({
      origin: signer.name,
      size: 12,
      signed: true,
    });
    const otherLog = await signCheckpoint(
      { origin: 'another.example/log', size: 12, root },
      signer,
    );
    expect(openCheckpoint(otherLog, verifier).signed).toBe(false);
    expect(openCheckpoint(note, testKey().verifier).signed).toBe(false);
    const malformed = await signNote(`${signer.name}\n012\nAAAA\n`, signer);
    expect(() => openCheckpoint(malformed, verifier)).toThrow(
      expect.objectContaining({ code: 'bad-note' }),
    );
  });
});
