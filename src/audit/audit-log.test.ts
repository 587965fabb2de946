import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, digestOf, sha256Hex } from '../core/index.js';
import { unsafeExecuteForTests } from '../store/testing.js';
import { ORG, openAuditHarness, type AuditHarness } from './__fixtures__/audit-harness.js';
import { GENESIS_HASH } from './entry.js';
import { MerkleAccumulator } from './merkle/accumulator.js';
import { leafHash, toHex } from './merkle/hashes.js';
import { StoredTree } from './merkle/stored-tree.js';
import { verifyInclusion } from './merkle/verify-proofs.js';

describe('the audit log append', () => {
  let harness: AuditHarness;
  beforeEach(async () => {
    harness = await openAuditHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('orders 300 concurrent appends into one gapless chain and a tree over exactly them', async () => {
    const appended = await Promise.all(
      Array.from({ length: 300 }, (_, index) =>
        harness.log.append({
          type: 'run-status-changed',
          actor: { user: 'u' },
          details: { index },
        }),
      ),
    );
    expect(appended.map((entry) => entry.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 300 }, (_, index) => index + 1),
    );
    const rows = await harness.store.auditTree.rawRange(ORG, 1, 1000);
    const accumulator = new MerkleAccumulator();
    rows.forEach((row, index) => {
      expect(row.prevHash).toBe(index === 0 ? GENESIS_HASH : rows[index - 1]?.hash);
      expect(row.hash).toBe(sha256Hex(row.text));
      accumulator.push(leafHash(row.text));
    });
    expect(await harness.store.auditTree.leafCount(ORG)).toBe(300);
    const tree = new StoredTree(harness.store.auditTree, ORG);
    expect(toHex(await tree.root(300))).toBe(toHex(accumulator.root()));
    const path = await tree.inclusion(122, 300);
    expect(verifyInclusion(leafHash(rows[122]!.text), 122, 300, path, accumulator.root())).toBe(
      true,
    );
  });

  it('stores payloads as content-addressed blobs that the entry binds by digest', async () => {
    const state = { service: 'payments', healthy: false };
    const first = await harness.log.append({
      type: 'tool-call-allowed',
      actor: { user: 'operator', agent: 'itops-agent' },
      payloads: { preState: { class: 'state', value: state }, postState: undefined },
    });
    await harness.log.append({
      type: 'tool-call-succeeded',
      actor: { user: 'operator', agent: 'itops-agent' },
      payloads: {
        preState: { class: 'state', value: state },
        nothing: { class: 'state', value: undefined },
      },
    });
    expect(first.payloads).toEqual({
      preState: { digest: digestOf(state), class: 'state', bytes: canonicalJson(state).length },
    });
    const blob = await harness.store.auditPayloads.getBlob(ORG, digestOf(state));
    expect(blob).toMatchObject({ content: canonicalJson(state), class: 'state', prunedAt: null });
    const refs = (await unsafeExecuteForTests(
      harness.store,
      `select seq, name from audit_blob_refs order by seq`,
    )) as Array<{ seq: number; name: string }>;
    expect(refs).toEqual([
      { seq: 1, name: 'preState' },
      { seq: 2, name: 'preState' },
    ]);
    const [row] = await harness.store.auditTree.rawRange(ORG, 1, 1);
    expect(row?.text).not.toContain('payments');
  });

  it('fails only the append whose event cannot be canonicalised', async () => {
    const results = await Promise.allSettled([
      harness.log.append({ type: 'run-status-changed', actor: { user: 'u' }, details: { ok: 1 } }),
      harness.log.append({
        type: 'run-status-changed',
        actor: { user: 'u' },
        details: { bad: 10n },
      }),
      harness.log.append({ type: 'run-status-changed', actor: { user: 'u' }, details: { ok: 2 } }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'append-failed' });
    expect(await harness.store.audit.count(ORG)).toBe(2);
  });

  it('fails every append of a batch the database refuses, and writes nothing of it', async () => {
    await harness.append(3);
    await unsafeExecuteForTests(
      harness.store,
      `create trigger refuse_audit before insert on audit_log begin select raise(abort, 'disk full'); end`,
    );
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        harness.log.append({
          type: 'run-status-changed',
          actor: { user: 'u' },
          payloads: { preState: { class: 'state', value: { lost: true } } },
        }),
      ),
    );
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'append-failed',
      message: expect.stringContaining('disk full'),
    });
    expect(await harness.store.audit.count(ORG)).toBe(3);
    expect(await harness.store.auditTree.leafCount(ORG)).toBe(3);
    expect(
      await harness.store.auditPayloads.getBlob(ORG, digestOf({ lost: true })),
    ).toBeUndefined();
    await unsafeExecuteForTests(harness.store, 'drop trigger refuse_audit');
    expect((await harness.log.append({ type: 'run-status-changed', actor: {} })).seq).toBe(4);
  });

  it('builds the tree for entries written before it existed, then keeps appending', async () => {
    // Rows chained the way the log chains them, but written straight to the store (no tree).
    let tail: { seq: number; hash: string } | undefined;
    for (let index = 0; index < 37; index += 1) {
      const row = await harness.store.audit.append(ORG, (current) => {
        const entry = {
          type: 'run-status-changed',
          actor: {},
          seq: (current?.seq ?? 0) + 1,
          time: '2026-01-01T00:00:00.000Z',
          orgId: ORG,
          prevHash: current?.hash ?? GENESIS_HASH,
        };
        return {
          orgId: ORG,
          seq: entry.seq,
          entry,
          prevHash: entry.prevHash,
          hash: sha256Hex(canonicalJson(entry)),
        };
      });
      tail = { seq: row.seq, hash: row.hash };
    }
    expect(tail?.seq).toBe(37);
    expect(await harness.store.auditTree.leafCount(ORG)).toBe(0);
    expect((await harness.log.append({ type: 'run-status-changed', actor: {} })).seq).toBe(38);
    expect(await harness.store.auditTree.leafCount(ORG)).toBe(38);
    const outcome = await harness.checkpointer.checkpoint();
    expect(outcome?.checkpoint.size).toBe(38);
  });
});
