import type { AuditTreeRepository, RawAuditRow } from '../../store/index.js';
import type { NoteVerifier } from '../checkpoint/note.js';
import { GENESIS_HASH } from '../entry.js';
import { MerkleAccumulator } from '../merkle/accumulator.js';
import { toHex, type Hash } from '../merkle/hashes.js';
import { StoredTree } from '../merkle/stored-tree.js';
import { checkCheckpoints, groupCheckpoints, type GoodCheckpoint } from './checkpoint-checks.js';
import { ParallelFacts } from './parallel-facts.js';
import {
  checkRow,
  checkRowFromFacts,
  checkVouchedRow,
  isFailure,
  type CheckedRow,
} from './row-checks.js';
import type { LogVerification, VerificationFailure } from './verification.js';
import { checkWitness, openWitnessNotes } from './witness-checks.js';

// Rows a page: small enough that the pages in flight stay in the young generation's reach (at
// 5000 rows of about 1 KB, collections copied megabytes and verify ran 15% slower).
const PAGE = 1000;

/** What verifying a log takes: the stored rows and checkpoints, the key, witness notes. */
export interface VerifyLogInput {
  tree: Pick<AuditTreeRepository, 'rawRange' | 'checkpoints' | 'nodes' | 'nodeRange'>;
  orgId: string;
  verifier: NoteVerifier;
  /** Checkpoint notes kept outside the database (a witness copy), if any. */
  witnessNotes?: readonly string[];
}

/**
 * Verifies the whole log in one pass and reports the first failure in seq order: seq gaps and
 * the hash chain per entry; at each checkpoint size, the checkpoint's signature, forks, the
 * signed root against the recomputed one, and consistency with the previous checkpoint; then
 * truncation behind stored checkpoints and, given a witness copy, rollback or rewrite behind it.
 */
export async function verifyLog(input: VerifyLogInput): Promise<LogVerification> {
  const { tree, orgId, verifier } = input;
  const groups = groupCheckpoints(await tree.checkpoints(orgId), verifier);
  const witnessed = openWitnessNotes(input.witnessNotes ?? [], verifier);
  const interesting = new Set([...groups.keys(), ...witnessed.map((one) => one.size)]);
  const roots = new Map<number, Hash>();
  const stored = new StoredTree(tree, orgId);
  const consistency = (first: number, second: number) => stored.consistency(first, second);
  let accumulator = new MerkleAccumulator();
  const goodSizes: number[] = [];
  let previousGood: GoodCheckpoint | undefined;
  let previous: CheckedRow | undefined;
  let previousHash = GENESIS_HASH;
  let expected = 1;
  const counts = () => ({ checkpoints: goodSizes.length, witnessed: 0 });
  const fail = (failure: VerificationFailure): LogVerification => ({
    ok: false,
    entries: Math.min(expected, failure.firstBadSeq) - 1,
    ...counts(),
    ...failure,
  });

  // Rows up to the largest stored checkpoint are first checked the cheap way (checkVouchedRow:
  // no parsing), since that checkpoint's signed root is to vouch for every byte of them. The
  // state after the last checkpoint that held is kept; if a cheap check or a checkpoint fails,
  // verify goes back to it and checks everything from there in full, so every failure is
  // found and named as the full check names it.
  let vouchedUpTo = 0;
  for (const checkpointSize of groups.keys()) vouchedUpTo = Math.max(vouchedUpTo, checkpointSize);
  // Rows checked the cheap way that no checkpoint has vouched for yet.
  let unvouched = false;
  let fullFrom = vouchedUpTo === 0 ? 1 : Number.POSITIVE_INFINITY;
  const snapshot = () => ({
    accumulator: accumulator.clone(),
    goodSizes: goodSizes.length,
    previousGood,
    previous,
    previousHash,
    expected,
  });
  let held = snapshot();

  // A pipeline over pages: the worker computes its share of page k + 1's row facts while this
  // thread computes the rest of page k's and checks page k in seq order (see ParallelFacts).
  const parallel = new ParallelFacts();
  const cheap = (page: readonly RawAuditRow[]) =>
    page.length > 0 && page[page.length - 1]!.seq <= vouchedUpTo && page[0]!.seq < fullFrom;
  const begin = (page: readonly RawAuditRow[]) =>
    parallel.begin(
      page.map((row) => row.text),
      !cheap(page),
    );
  try {
    pages: for (;;) {
      let rows = await tree.rawRange(orgId, expected, PAGE);
      // A log of more than one page is worth a second thread (it starts while this one works).
      if (rows.length === PAGE) parallel.start();
      let job = begin(rows);
      while (rows.length > 0) {
        let next: RawAuditRow[] = [];
        if (rows.length === PAGE) {
          next = await tree.rawRange(orgId, rows[rows.length - 1]!.seq + 1, PAGE);
        }
        const nextJob = begin(next);
        const vouched = !job.parse;
        const facts = await parallel.finish(job);
        for (let index = 0; index < rows.length; index += 1) {
          const row = rows[index]!;
          let checked: CheckedRow | VerificationFailure | undefined;
          if (vouched) {
            checked = checkVouchedRow(row, index, facts, expected, previousHash);
          } else {
            checked =
              checkRowFromFacts(row, index, facts, expected, previousHash) ??
              checkRow(row, expected, previousHash, previous);
          }
          if (checked === undefined) {
            restore(held);
            continue pages;
          }
          if (isFailure(checked)) return fail(checked);
          if (vouched) unvouched = true;
          accumulator.push(checked.leaf);
          previous = checked;
          previousHash = row.hash;
          expected += 1;
          const size = row.seq;
          if (!interesting.has(size)) continue;
          const root = accumulator.root();
          roots.set(size, root);
          const group = groups.get(size);
          if (group === undefined) continue;
          const problem = await checkCheckpoints(group, root, previousGood, consistency);
          if (problem !== undefined && vouched) {
            restore(held);
            continue pages;
          }
          if (problem !== undefined) return fail(problem);
          previousGood = { size, root };
          goodSizes.push(size);
          if (vouched) {
            held = snapshot();
            unvouched = false;
          }
        }
        rows = next;
        job = nextJob;
      }
      // The log ended before a checkpoint vouched for the last rows checked the cheap way
      // (it was cut short, or its largest checkpoint is not where it claims): check them in full.
      if (!unvouched) break;
      restore(held);
    }
  } finally {
    await parallel.close();
  }

  // Back to the state after the last checkpoint that held, to check in full from there.
  function restore(state: ReturnType<typeof snapshot>): void {
    accumulator = state.accumulator.clone();
    goodSizes.length = state.goodSizes;
    previousGood = state.previousGood;
    previous = state.previous;
    previousHash = state.previousHash;
    expected = state.expected;
    fullFrom = state.expected;
    unvouched = false;
  }

  const size = expected - 1;
  const beyond = [...groups.keys()].filter((checkpointSize) => checkpointSize > size);
  if (beyond.length > 0) {
    const largest = Math.max(...beyond);
    return fail({
      firstBadSeq: size + 1,
      lastBadSeq: largest,
      check: 'truncation',
      code: 'truncated',
      reason: `a checkpoint of size ${largest} is stored but the log ends at ${size}: entries ${size + 1}..${largest} were removed`,
    });
  }
  const witnessProblem = checkWitness(witnessed, size, (at) => roots.get(at), goodSizes);
  if (witnessProblem !== undefined) return { ...fail(witnessProblem), entries: size };
  return {
    ok: true,
    entries: size,
    headHash: previousHash,
    root: toHex(accumulator.root()),
    checkpoints: goodSizes.length,
    latestCheckpoint: goodSizes.length > 0 ? goodSizes[goodSizes.length - 1]! : null,
    witnessed: witnessed.length,
  };
}
