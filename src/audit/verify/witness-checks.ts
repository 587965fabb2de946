import { openCheckpoint, type OpenedCheckpoint } from '../checkpoint/checkpoint-note.js';
import type { NoteVerifier } from '../checkpoint/note.js';
import { sameHash, type Hash } from '../merkle/hashes.js';
import type { VerificationFailure } from './verification.js';

/** Reads witness notes (throws 'bad-note' for one that does not parse), smallest size first. */
export function openWitnessNotes(
  notes: readonly string[],
  verifier: NoteVerifier,
): OpenedCheckpoint[] {
  return notes
    .map((note) => openCheckpoint(note, verifier))
    .sort((left, right) => left.size - right.size);
}

/**
 * Compares the log with checkpoints kept outside it: each must be signed by the instance key,
 * no larger than the log (else it was truncated or rolled back), and its root must be the
 * log's root at that size (else history was rewritten behind the witness).
 */
export function checkWitness(
  witnessed: readonly OpenedCheckpoint[],
  size: number,
  rootAt: (size: number) => Hash | undefined,
  goodSizes: readonly number[],
): VerificationFailure | undefined {
  for (const checkpoint of witnessed) {
    if (!checkpoint.signed) {
      return {
        firstBadSeq: checkpoint.size,
        check: 'witness',
        code: 'witness-signature-invalid',
        reason: `the witness copy of checkpoint ${checkpoint.size} is not signed by the instance's audit key`,
      };
    }
  }
  const ahead = witnessed.filter((checkpoint) => checkpoint.size > size);
  if (ahead.length > 0) {
    const largest = Math.max(...ahead.map((checkpoint) => checkpoint.size));
    return {
      firstBadSeq: size + 1,
      lastBadSeq: largest,
      check: 'witness',
      code: 'witness-rollback',
      reason: `a witness holds a signed checkpoint of size ${largest} but the log ends at ${size}: it was truncated or rolled back`,
    };
  }
  for (const checkpoint of witnessed) {
    const root = rootAt(checkpoint.size);
    if (checkpoint.size > 0 && (root === undefined || !sameHash(root, checkpoint.root))) {
      const before = goodSizes.filter((good) => good < checkpoint.size);
      const first = (before.length > 0 ? Math.max(...before) : 0) + 1;
      return {
        firstBadSeq: first,
        lastBadSeq: checkpoint.size,
        check: 'witness',
        code: 'witness-fork',
        reason: `the log's first ${checkpoint.size} entries differ from the witnessed checkpoint: history in seq ${first}..${checkpoint.size} was rewritten`,
      };
    }
  }
  return undefined;
}
