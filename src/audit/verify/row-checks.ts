import { hash as oneShotHash } from 'node:crypto';
import type { RawAuditRow } from '../../store/index.js';
import { canonicalTextOf } from '../canonical-text.js';
import type { VerificationFailure } from './verification.js';

/** A row that passed, as the next row's checks need it. */
export interface CheckedRow {
  row: RawAuditRow;
  prevHash: unknown;
  canonical: string;
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
  const canonical = canonicalTextOf(row.text, parsed);
  // The one-shot hash: this runs once per entry of the whole log on every verify.
  if (oneShotHash('sha256', canonical, 'hex') !== row.hash) {
    return failure(
      row.seq,
      'chain',
      'entry-edited',
      `seq ${row.seq} does not hash to its stored hash (edited)`,
    );
  }
  return { row, prevHash: entry.prevHash, canonical };
}

/** Narrows checkRow's answer. */
export function isFailure(value: CheckedRow | VerificationFailure): value is VerificationFailure {
  return 'code' in value;
}
