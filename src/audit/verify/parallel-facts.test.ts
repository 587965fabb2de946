import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/index.js';
import {
  ORG,
  dropProtections,
  openAuditHarness,
  type AuditHarness,
} from '../__fixtures__/audit-harness.js';
import { hashOf, readRow, writeRow } from '../__fixtures__/tamper.js';
import { unsafeExecuteForTests } from '../../store/testing.js';
import { ParallelFacts } from './parallel-facts.js';
import { rowFacts } from './row-facts.mjs';
import { checkVouchedRow } from './row-checks.js';
import { verifyLog } from './verify-log.js';

// Texts as a tampered database may hold them: canonical entries, other JSON, and junk.
function texts(count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    switch (index % 7) {
      case 0:
        return 'not json';
      case 1:
        return JSON.stringify([index]);
      case 2:
        return JSON.stringify({ seq: String(index), prevHash: 7 });
      case 3:
        return `{ "seq": ${index} }`;
      default:
        return canonicalJson({ note: `é \u2028 "${index}"`, prevHash: 'a'.repeat(64), seq: index });
    }
  });
}

const plain = (facts: ReturnType<typeof rowFacts>) => ({
  hashes: facts.hashes,
  prevHashes: facts.prevHashes,
  seqs: [...facts.seqs],
  leaves: Buffer.from(facts.leaves).toString('hex'),
});

describe('row facts on two threads', () => {
  let parallel: ParallelFacts | undefined;
  afterEach(async () => {
    await parallel?.close();
  });

  it('gives exactly the facts one thread gives, over several pages', async () => {
    parallel = new ParallelFacts();
    parallel.start();
    for (let page = 0; page < 3; page += 1) {
      const input = texts(700 + page);
      const job = parallel.begin(input);
      expect(job.split, 'the worker takes a share').toBeGreaterThan(0);
      expect(plain(await parallel.finish(job))).toEqual(plain(rowFacts(input)));
    }
  });

  it('reads what a text claims, and nothing from text that is not an object', () => {
    const facts = rowFacts(['not json', '[1]', '{"prevHash":"p","seq":4}', '{"seq":"4"}']);
    expect([...facts.seqs]).toEqual([NaN, NaN, 4, NaN]);
    expect(facts.prevHashes).toEqual([null, null, 'p', null]);
  });

  it('computes the whole page itself when the worker is gone mid-page', async () => {
    parallel = new ParallelFacts();
    parallel.start();
    const input = texts(500);
    const job = parallel.begin(input);
    await parallel.close();
    expect(plain(await parallel.finish(job))).toEqual(plain(rowFacts(input)));
    expect(parallel.begin(input).split, 'no worker after close').toBe(0);
  });
});

describe('the cheap check of rows a checkpoint vouches for', () => {
  const previousHash = 'a'.repeat(64);
  const row = (seq: number, text: string) => {
    const [hash = ''] = rowFacts([text]).hashes;
    return { seq, text, prevHash: previousHash, hash };
  };
  const check = (stored: ReturnType<typeof row>, expectedSeq = stored.seq) =>
    checkVouchedRow(stored, 0, rowFacts([stored.text], false), expectedSeq, previousHash);

  it('passes a canonical entry at its place and chain link', () => {
    const text = canonicalJson({ prevHash: previousHash, seq: 4, type: 't' });
    expect(check(row(4, text))?.leaf).toHaveLength(32);
    expect(check(row(4, canonicalJson({ prevHash: previousHash, seq: 4 })))).toBeDefined();
  });

  it('sends anything else to the full check', () => {
    const claims = (seq: number, prev = previousHash) =>
      canonicalJson({ prevHash: prev, seq, type: 't' });
    expect(check(row(4, claims(42))), 'seq 42 is not seq 4').toBeUndefined();
    expect(check(row(4, claims(4, 'b'.repeat(64)))), 'another link').toBeUndefined();
    expect(check(row(4, claims(4)), 5), 'not at its place').toBeUndefined();
    const stored = row(4, claims(4));
    expect(check({ ...stored, hash: 'c'.repeat(64) }), 'stored hash differs').toBeUndefined();
    expect(check({ ...stored, prevHash: 'd'.repeat(64) }), 'link column differs').toBeUndefined();
  });
});

describe('verifying a log of several pages', () => {
  let harness: AuditHarness;
  afterEach(async () => {
    await harness.close();
  });

  // 12,000 entries are twelve pages of 1,000: their facts are shared with the worker, which
  // takes the leading rows of each page.
  it('finds an edit wherever it falls in a page, and passes the clean log', async () => {
    harness = await openAuditHarness();
    await Promise.all(
      Array.from({ length: 12_000 }, (_, index) =>
        harness.log.append({
          type: 'tool-call-succeeded',
          actor: { user: 'operator', agent: 'itops-agent' },
          details: { index },
        }),
      ),
    );
    await harness.checkpointer.checkpoint();
    const verify = () =>
      verifyLog({ tree: harness.store.auditTree, orgId: ORG, verifier: harness.verifier });
    expect(await verify()).toMatchObject({ ok: true, entries: 12_000, checkpoints: 1 });
    await dropProtections(harness.store);
    // A row the cheap check passes (its seq member sits in details) while its text claims another
    // seq, and the log cut short after it: no checkpoint vouches for it, so it is checked in
    // full and reported as the full check reports it, before the truncation.
    const crafted = await readRow(harness.store, 10_500);
    const entry = { ...crafted.entry, seq: 99, details: { seq: 10_500 } };
    const hash = hashOf(entry);
    await writeRow(harness.store, 10_500, { entry, prevHash: crafted.prevHash, hash });
    const original = await readRow(harness.store, 10_501);
    await unsafeExecuteForTests(
      harness.store,
      'create table kept as select * from audit_log where seq > 10500',
    );
    await unsafeExecuteForTests(harness.store, 'delete from audit_log where seq > 10500');
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 10_500, code: 'reordered' });
    await writeRow(harness.store, 10_500, crafted);
    await unsafeExecuteForTests(harness.store, 'insert into audit_log select * from kept');
    expect((await readRow(harness.store, 10_501)).hash).toBe(original.hash);
    expect(await verify()).toMatchObject({ ok: true, entries: 12_000 });
    // A row under the checkpoint stored re-serialised (same value, other bytes): the cheap check
    // of vouched rows fails on its hash, and the full check from the last checkpoint passes it.
    const copy = await readRow(harness.store, 2_500);
    await unsafeExecuteForTests(
      harness.store,
      `update audit_log set entry = '${JSON.stringify(copy.entry, null, 2).replace(/'/g, "''")}' where seq = 2500`,
    );
    expect(await verify()).toMatchObject({ ok: true, entries: 12_000, checkpoints: 1 });
    for (const seq of [11_999, 5_002]) {
      const row = await readRow(harness.store, seq);
      await writeRow(harness.store, seq, {
        ...row,
        entry: { ...row.entry, details: { index: -1 } },
      });
      expect(await verify()).toMatchObject({ ok: false, firstBadSeq: seq, code: 'entry-edited' });
    }
  }, 120_000);
});
