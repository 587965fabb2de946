import type { AuditTreeRepository } from '../../store/index.js';
import type { NoteVerifier } from '../checkpoint/note.js';
import { GENESIS_HASH } from '../entry.js';
import { MerkleAccumulator } from '../merkle/accumulator.js';
import { toHex, type Hash } from '../merkle/hashes.js';
import { StoredTree } from '../merkle/stored-tree.js';
import { checkCheckpoints, groupCheckpoints, type GoodCheckpoint } from './checkpoint-checks.js';
import { ParallelFacts } from './parallel-facts.js';
import { checkRow, checkRowFromFacts, isFailure, type CheckedRow } from './row-checks.js';
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
  const accumulator = new MerkleAccumulator();
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

  // A pipeline over pages: the worker computes its share of page k + 1's row facts while this
  // thread computes the rest of page k's and checks page k in seq order (see ParallelFacts).
  const parallel = new ParallelFacts();
  try {
    let rows = await tree.rawRange(orgId, expected, PAGE);
    // A log of more than one page is worth a second thread (it starts while this one works).
    if (rows.length === PAGE) parallel.start();
    let job = parallel.begin(rows.map((row) => row.text));
    while (rows.length > 0) {
      let next: typeof rows = [];
      if (rows.length === PAGE) {
        next = await tree.rawRange(orgId, rows[rows.length - 1]!.seq + 1, PAGE);
      }
      const nextJob = parallel.begin(next.map((row) => row.text));
      const facts = await parallel.finish(job);
      for (let index = 0; index < rows.length; index += 1) {
        const row = rows[index]!;
        const checked =
          checkRowFromFacts(row, index, facts, expected, previousHash) ??
          checkRow(row, expected, previousHash, previous);
        if (isFailure(checked)) return fail(checked);
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
        if (problem !== undefined) return fail(problem);
        previousGood = { size, root };
        goodSizes.push(size);
      }
      rows = next;
      job = nextJob;
    }
  } finally {
    await parallel.close();
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
