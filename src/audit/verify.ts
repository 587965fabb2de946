import type { Store } from '../store/index.js';
import { hashEntry } from './chain.js';
import { GENESIS_HASH, type AuditEntry } from './entry.js';

/** The outcome of checking the chain; on failure, the first bad seq and why. */
export type ChainVerification =
  | { ok: true; entries: number; headHash: string }
  | { ok: false; entries: number; firstBadSeq: number; reason: string };

const PAGE = 5000;

/**
 * Recomputes the hash chain from the first entry: seq must run 1..n without gaps, each entry's
 * prevHash must equal the previous hash, and each stored hash must equal the recomputed one.
 * Rows are read as stored: this is the code path that meets tampered data.
 */
export async function verifyChain(
  store: Pick<Store, 'audit'>,
  orgId: string,
): Promise<ChainVerification> {
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  for (;;) {
    const rows = await store.audit.range(orgId, expectedSeq, undefined, PAGE);
    for (const row of rows) {
      const failure = checkRow(row, expectedSeq, previousHash);
      if (failure !== undefined) {
        return { ok: false, entries: expectedSeq - 1, firstBadSeq: expectedSeq, reason: failure };
      }
      previousHash = row.hash;
      expectedSeq += 1;
    }
    if (rows.length < PAGE) break;
  }
  const total = await store.audit.count(orgId);
  if (total !== expectedSeq - 1) {
    return {
      ok: false,
      entries: expectedSeq - 1,
      firstBadSeq: expectedSeq,
      reason: `seq ${expectedSeq} is missing but the log holds ${total} entries (a gap)`,
    };
  }
  return { ok: true, entries: expectedSeq - 1, headHash: previousHash };
}

function checkRow(
  row: { seq: number; entry: Record<string, unknown>; prevHash: string; hash: string },
  expectedSeq: number,
  previousHash: string,
): string | undefined {
  if (row.seq !== expectedSeq) return `expected seq ${expectedSeq}, found ${row.seq} (a gap)`;
  const entry = row.entry as unknown as AuditEntry;
  if (entry.seq !== row.seq)
    return `entry says seq ${String(entry.seq)} but is stored at ${row.seq}`;
  if (row.prevHash !== previousHash || entry.prevHash !== previousHash) {
    return 'prev_hash does not match the previous entry (an entry was removed, inserted or reordered)';
  }
  let recomputed: string;
  try {
    recomputed = hashEntry(entry);
  } catch (error) {
    return `entry cannot be canonicalised: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (recomputed !== row.hash) return 'hash does not match the entry (the entry was edited)';
  return undefined;
}
