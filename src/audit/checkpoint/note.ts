import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { AuditError } from '../errors.js';

/**
 * C2SP signed notes (the format of Go's sumdb/note): a UTF-8 text body ending in a newline, a
 * blank line, then one line per signature, `— NAME BASE64(keyID || signature)`. For Ed25519,
 * keyID is the first four bytes of SHA-256(NAME || "\n" || 0x01 || public key). Notes and
 * verifier keys arrive from witnesses and exports: attacker-controlled until verified.
 */

const ED25519 = 0x01;
const MAX_NOTE_BYTES = 16 * 1024;
const MAX_SIGNATURES = 100;
const SIGNATURE_LINE = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/;
const KEY_NAME = /^[^\s+]{1,256}$/;

/** Signs note bodies; the checkpointer's view of the instance's audit key. */
export interface NoteSigner {
  readonly name: string;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A key that verifies notes: name, key id and raw Ed25519 public key. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
}

/** One signature line of a note, and whether a known key verified it. */
export interface NoteSignature {
  name: string;
  keyId: number;
  verified: boolean;
}

/** The C2SP key id of an Ed25519 key with this name. */
export function keyIdOf(name: string, publicKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(name)
    .update(Buffer.of(0x0a, ED25519))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

/** The verifier key string `NAME+KEYID+BASE64(0x01 || key)` that auditors pin. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const id = keyIdOf(name, publicKey).toString(16).padStart(8, '0');
  const key = Buffer.concat([Buffer.of(ED25519), Buffer.from(publicKey)]).toString('base64');
  return `${name}+${id}+${key}`;
}

/** Parses a verifier key string; throws AuditError 'bad-note' when it is not one. */
export function parseVerifierKey(text: string): NoteVerifier {
  // The base64 key may itself hold '+': split at the first two only, as Go's note package does.
  const trimmed = text.trim();
  const first = trimmed.indexOf('+');
  const second = first < 0 ? -1 : trimmed.indexOf('+', first + 1);
  const parts =
    second < 0
      ? [trimmed]
      : [trimmed.slice(0, first), trimmed.slice(first + 1, second), trimmed.slice(second + 1)];
  const [name, id, key] = parts;
  const bytes = key === undefined ? undefined : Buffer.from(key, 'base64');
  if (
    parts.length !== 3 ||
    name === undefined ||
    !KEY_NAME.test(name) ||
    id === undefined ||
    !/^[0-9a-f]{8}$/.test(id) ||
    bytes === undefined ||
    bytes.length !== 33 ||
    bytes[0] !== ED25519
  ) {
    throw new AuditError('bad-note', 'not an Ed25519 verifier key (NAME+KEYID+BASE64)');
  }
  const publicKey = bytes.subarray(1);
  const keyId = Number.parseInt(id, 16);
  if (keyIdOf(name, publicKey) !== keyId) {
    throw new AuditError('bad-note', `verifier key ${name}: key id does not match the key`);
  }
  return { name, keyId, publicKey };
}

/** Signs a body (which must end in a newline) and returns the whole note. */
export async function signNote(body: string, signer: NoteSigner): Promise<string> {
  if (!body.endsWith('\n') || body.includes('\n\n')) {
    throw new AuditError('bad-note', 'a note body ends in one newline and has no blank line');
  }
  const signature = await signer.sign(Buffer.from(body, 'utf8'));
  const keyId = Buffer.alloc(4);
  keyId.writeUInt32BE(keyIdOf(signer.name, signer.publicKey));
  const blob = Buffer.concat([keyId, Buffer.from(signature)]).toString('base64');
  return `${body}\n\u2014 ${signer.name} ${blob}\n`;
}

/**
 * Splits a note and checks its signatures against the known verifiers. Signatures by unknown
 * keys are reported unverified, never trusted; a malformed note throws 'bad-note'.
 */
export function openNote(
  text: string,
  verifiers: readonly NoteVerifier[],
): { body: string; signatures: NoteSignature[] } {
  if (Buffer.byteLength(text) > MAX_NOTE_BYTES || !text.endsWith('\n')) {
    throw new AuditError('bad-note', 'a signed note ends in a newline and is at most 16 KiB');
  }
  const split = text.lastIndexOf('\n\n');
  if (split < 0)
    throw new AuditError('bad-note', 'a signed note has a blank line before its signatures');
  const body = text.slice(0, split + 1);
  const lines = text.slice(split + 2, -1).split('\n');
  if (
    lines.length === 0 ||
    lines.length > MAX_SIGNATURES ||
    /[\u0000-\u0009\u000b-\u001f]/.test(body)
  ) {
    throw new AuditError(
      'bad-note',
      'a signed note has 1 to 100 signatures and no control characters',
    );
  }
  const signatures = lines.map((line) => {
    const match = SIGNATURE_LINE.exec(line);
    const blob = match === null ? undefined : Buffer.from(match[2]!, 'base64');
    if (match === null || blob === undefined || blob.length < 5) {
      throw new AuditError('bad-note', `malformed signature line: ${line.slice(0, 120)}`);
    }
    const name = match[1]!;
    const keyId = blob.readUInt32BE(0);
    const verifier = verifiers.find((key) => key.name === name && key.keyId === keyId);
    const verified =
      verifier !== undefined &&
      blob.length === 68 &&
      ed25519Verify(verifier, body, blob.subarray(4));
    return { name, keyId, verified };
  });
  return { body, signatures };
}

function ed25519Verify(verifier: NoteVerifier, body: string, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(verifier.publicKey).toString('base64url') },
      format: 'jwk',
    });
    return verifySignature(null, Buffer.from(body, 'utf8'), key, signature);
  } catch {
    return false;
  }
}
