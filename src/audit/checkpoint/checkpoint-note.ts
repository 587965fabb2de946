import { AuditError } from '../errors.js';
import { fromHex, toHex, type Hash } from '../merkle/hashes.js';
import { openNote, signNote, type NoteSigner, type NoteVerifier } from './note.js';

/**
 * C2SP tlog-checkpoint bodies: the origin line, the tree size in decimal, the root hash in
 * base64, each ending in a newline; extension lines may follow and are kept but not read.
 */

/** What a checkpoint states. */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
}

/** A checkpoint read from a note, with whether the expected key signed it. */
export interface OpenedCheckpoint extends Checkpoint {
  rootHex: string;
  signed: boolean;
}

/** The checkpoint body for a tree head. */
export function checkpointBody(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.size}\n${Buffer.from(checkpoint.root).toString('base64')}\n`;
}

/** Signs a tree head as a checkpoint note. */
export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): Promise<string> {
  return signNote(checkpointBody(checkpoint), signer);
}

/**
 * Reads a checkpoint note: `signed` is true only when `verifier` signed it and the origin is
 * the verifier's name (a checkpoint of another log, even one signed by our key, is not ours).
 */
export function openCheckpoint(note: string, verifier: NoteVerifier): OpenedCheckpoint {
  const { body, signatures } = openNote(note, [verifier]);
  const [origin, sizeText, rootText] = body.split('\n');
  const root = rootText === undefined ? undefined : Buffer.from(rootText, 'base64');
  if (
    origin === undefined ||
    origin.length === 0 ||
    sizeText === undefined ||
    !/^(0|[1-9][0-9]{0,15})$/.test(sizeText) ||
    root === undefined ||
    root.length !== 32 ||
    root.toString('base64') !== rootText
  ) {
    throw new AuditError('bad-note', 'not a tlog checkpoint (origin, size, base64 root hash)');
  }
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new AuditError('bad-note', 'checkpoint size too large');
  const signed =
    origin === verifier.name &&
    signatures.some((signature) => signature.verified && signature.name === verifier.name);
  return { origin, size, root, rootHex: toHex(root), signed };
}

/** The hash a checkpoint record's root column names, or undefined when it is not hex. */
export function rootFromRecord(root: string): Hash | undefined {
  return fromHex(root);
}
