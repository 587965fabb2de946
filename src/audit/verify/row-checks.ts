import { hash as oneShotHash } from 'node:crypto';
import type { RawAuditRow } from '../../store/index.js';
import { canonicalTextOf } from '../canonical-text.js';
import { leafHash, type Hash } from '../merkle/hashes.js';
import { entryDigests } from '../merkle/entry-digests.mjs';
import type { RowFacts } from './row-facts.mjs';
import type { VerificationFailure } from './verification.js';

/** A row that passed, as the next row's checks need it. */
export interface CheckedRow {
  row: RawAuditRow;
  prevHash: unknown;
  /** The RFC 9162 leaf hash of the entry: SHA-256(0x00 || its canonical JSON). */
  leaf: Hash;
}

const failure = (
  seq: number,
  check: VerificationFailure['check'],
  code: VerificationFailure['code'],
  reason: string,
): VerificationFailure => ({ firstBadSeq: seq, check, code, reason });

/**
 * Checks one stored row against its expected place: seq, chain link and content hash, and
 * names what most likely happened when they fail. Rows are read as stored: this is where
 * tampered data (with the database's own checks removed) meets the verifier.
 */
export function checkRow(
  row: RawAuditRow,
  expectedSeq: number,
  previousHash: string,
  previous: CheckedRow | undefined,
): CheckedRow | VerificationFailure {
  if (row.seq !== expectedSeq) {
    return failure(
      expectedSeq,
      'seq',
      'seq-gap',
      `seq ${expectedSeq} is missing: the next stored entry is ${row.seq}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.text);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return failure(row.seq, 'chain', 'entry-unreadable', `seq ${row.seq} is not a JSON object`);
  }
  const entry = parsed as { seq?: unknown; prevHash?: unknown };
  if (entry.seq !== row.seq) {
    if (previous !== undefined && row.hash === previous.row.hash) {
      return failure(
        row.seq,
        'seq',
        'duplicate',
        `seq ${row.seq} repeats entry ${previous.row.seq}`,
      );
    }
    if (
      previous !== undefined &&
      entry.seq === row.seq - 1 &&
      entry.prevHash === previous.prevHash
    ) {
      return failure(
        row.seq - 1,
        'chain',
        'inserted',
        `seq ${row.seq - 1} and ${row.seq} both follow seq ${row.seq - 2}: an entry was inserted at ${row.seq - 1}`,
      );
    }
    return failure(
      row.seq,
      'seq',
      'reordered',
      `the entry stored at seq ${row.seq} says it is seq ${String(entry.seq)} (reordered or renumbered)`,
    );
  }
  if (entry.prevHash !== previousHash || row.prevHash !== previousHash) {
    return failure(
      row.seq,
      'chain',
      'chain-broken',
      `seq ${row.seq} does not chain from seq ${row.seq - 1} (an entry before it was removed or replaced)`,
    );
  }
  // Text Castellan wrote hashes to its stored hash as it is: it was canonical when hashed, and
  // the leaf is over the same bytes. (Text that matches its hash but is not canonical can only be
  // a forgery with a recomputed hash, and its leaf then differs from the one the signed
  // checkpoints cover.) Otherwise the text may be a re-serialised copy: canonicalise and retry.
  const digests = entryDigests(row.text);
  if (digests.hash === row.hash) return { row, prevHash: entry.prevHash, leaf: digests.leaf };
  const canonical = canonicalTextOf(row.text, parsed);
  if (canonical === row.text || oneShotHash('sha256', canonical, 'hex') !== row.hash) {
    return failure(
      row.seq,
      'chain',
      'entry-edited',
      `seq ${row.seq} does not hash to its stored hash (edited)`,
    );
  }
  return { row, prevHash: entry.prevHash, leaf: leafHash(canonical) };
}

/**
 * The common case, from facts computed ahead (row-facts.mjs): the row sits at the expected seq,
 * its text claims that seq and the previous entry's hash, and it hashes to its stored hash.
 * Exactly the cases in which checkRow passes a row on its first path; anything else gives
 * undefined, and the caller runs checkRow for the precise answer.
 */
export function checkRowFromFacts(
  row: RawAuditRow,
  index: number,
  facts: RowFacts,
  expectedSeq: number,
  previousHash: string,
): CheckedRow | undefined {
  if (
    row.seq !== expectedSeq ||
    facts.seqs[index] !== row.seq ||
    facts.prevHashes[index] !== previousHash ||
    row.prevHash !== previousHash ||
    facts.hashes[index] !== row.hash
  ) {
    return undefined;
  }
  return { row, prevHash: previousHash, leaf: facts.leaves.subarray(index * 32, index * 32 + 32) };
}

/**
 * The check of a row that a signed checkpoint is to vouch for (see verify-log.ts): its place and
 * chain link by its columns, its text by its stored hash, and the seq and prevHash its text
 * claims by the members the writer's canonical JSON holds, without parsing it. A text that got
 * past this with those members somewhere other than at its top level was signed that way, and
 * only the signer could have made it so. Undefined when anything differs: the caller then
 * checks in full.
 */
export function checkVouchedRow(
  row: RawAuditRow,
  index: number,
  facts: RowFacts,
  expectedSeq: number,
  previousHash: string,
): CheckedRow | undefined {
  if (
    row.seq !== expectedSeq ||
    row.prevHash !== previousHash ||
    facts.hashes[index] !== row.hash ||
    !row.text.includes(`"prevHash":"${previousHash}"`)
  ) {
    return undefined;
  }
  const seqMember = `"seq":${row.seq}`;
  const at = row.text.indexOf(seqMember);
  const after = at < 0 ? -1 : row.text.charCodeAt(at + seqMember.length);
  // The member ends there: "seq":4 must not pass as "seq":42.
  if (after !== 0x2c && after !== 0x7d) return undefined;
  return { row, prevHash: previousHash, leaf: facts.leaves.subarray(index * 32, index * 32 + 32) };
}

/** Narrows checkRow's answer. */
export function isFailure(value: CheckedRow | VerificationFailure): value is VerificationFailure {
  return 'code' in value;
}
