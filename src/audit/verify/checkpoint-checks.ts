import { describeError } from '../../core/index.js';
import type { CheckpointRecord } from '../../store/index.js';
import { openCheckpoint, type OpenedCheckpoint } from '../checkpoint/checkpoint-note.js';
import type { NoteVerifier } from '../checkpoint/note.js';
import { sameHash, toHex, type Hash } from '../merkle/hashes.js';
import { verifyConsistency } from '../merkle/verify-proofs.js';
import type { VerificationFailure } from './verification.js';

/** The checkpoints of one size, read from their notes (the notes, not the columns, count). */
export interface CheckpointsAtSize {
  size: number;
  opened: Array<OpenedCheckpoint | { error: string }>;
}

/** Groups stored checkpoints by the size their notes state; a mismatched record is unreadable. */
export function groupCheckpoints(
  records: readonly CheckpointRecord[],
  verifier: NoteVerifier,
): Map<number, CheckpointsAtSize> {
  const groups = new Map<number, CheckpointsAtSize>();
  for (const record of records) {
    let opened: OpenedCheckpoint | { error: string };
    let size = record.size;
    try {
      opened = openCheckpoint(record.note, verifier);
      if (opened.size !== record.size || opened.rootHex !== record.root) {
        opened = {
          error: `the stored record (size ${record.size}) disagrees with its note (size ${opened.size})`,
        };
      }
    } catch (error) {
      opened = { error: describeError(error) };
    }
    if ('size' in opened) size = opened.size;
    const group = groups.get(size) ?? { size, opened: [] };
    group.opened.push(opened);
    groups.set(size, group);
  }
  return groups;
}

/** The previous checkpoint that held, for consistency and for naming rewritten ranges. */
export interface GoodCheckpoint {
  size: number;
  root: Hash;
}

/**
 * Checks the checkpoints of one size once the verifier has recomputed the root at that size:
 * readable, signed by the instance key, no fork, the signed root is the recomputed one, and
 * the stored tree proves it extends the previous good checkpoint.
 */
export async function checkCheckpoints(
  group: CheckpointsAtSize,
  computedRoot: Hash,
  previous: GoodCheckpoint | undefined,
  consistency: (first: number, second: number) => Promise<Hash[]>,
): Promise<VerificationFailure | undefined> {
  const { size } = group;
  const at = (
    check: VerificationFailure['check'],
    code: VerificationFailure['code'],
    reason: string,
  ) => ({
    firstBadSeq: size,
    check,
    code,
    reason,
  });
  for (const opened of group.opened) {
    if ('error' in opened)
      return at(
        'checkpoint-signature',
        'checkpoint-unreadable',
        `checkpoint of size ${size}: ${opened.error}`,
      );
  }
  const notes = group.opened as OpenedCheckpoint[];
  if (notes.some((note) => !note.signed)) {
    return at(
      'checkpoint-signature',
      'signature-invalid',
      `the checkpoint of size ${size} is not signed by the instance's audit key`,
    );
  }
  const roots = new Set(notes.map((note) => note.rootHex));
  if (roots.size > 1) {
    return at(
      'fork',
      'fork',
      `${roots.size} signed checkpoints of size ${size} name different roots (a fork)`,
    );
  }
  const signed = notes[0]!;
  if (!sameHash(signed.root, computedRoot)) {
    const first = (previous?.size ?? 0) + 1;
    return {
      firstBadSeq: first,
      lastBadSeq: size,
      check: 'merkle-root',
      code: 'root-mismatch',
      reason: `the entries no longer produce the root signed at size ${size} (${signed.rootHex.slice(0, 16)}…, now ${toHex(computedRoot).slice(0, 16)}…): an entry in seq ${first}..${size} was rewritten`,
    };
  }
  if (previous !== undefined && previous.size < size) {
    let proven = false;
    let detail = 'the proof does not verify';
    try {
      const path = await consistency(previous.size, size);
      proven = verifyConsistency(previous.size, size, previous.root, signed.root, path);
    } catch (error) {
      detail = describeError(error);
    }
    if (!proven) {
      return at(
        'consistency',
        'inconsistent',
        `the stored tree cannot prove checkpoint ${size} extends checkpoint ${previous.size}: ${detail}`,
      );
    }
  }
  return undefined;
}
