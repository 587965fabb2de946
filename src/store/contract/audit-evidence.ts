import { expect, it } from 'vitest';
import { canonicalJson } from '../../core/index.js';
import type { BlobRecord, BlobRefRecord } from '../audit-evidence-port.js';
import { unsafeExecuteForTests } from '../testing.js';
import { chainedRow, newOrg, type ContractHarness } from './fixtures.js';

const hash = (byte: number) => new Uint8Array(32).fill(byte);

function blob(orgId: string, digest: string, overrides: Partial<BlobRecord> = {}): BlobRecord {
  return {
    orgId,
    digest,
    class: 'state',
    content: '{"healthy":true}',
    bytes: 16,
    createdAt: '2026-01-01T00:00:00.000Z',
    prunedAt: null,
    ...overrides,
  };
}

function ref(orgId: string, seq: number, digest: string, time: string): BlobRefRecord {
  return {
    orgId,
    seq,
    name: 'preState',
    digest,
    runId: 'run_1',
    userId: 'alice',
    agentId: 'agent',
    type: 'tool-call-allowed',
    tool: 'x/y',
    time,
  };
}

/** The audit evidence tables: tree nodes, checkpoints, blobs and holds. */
export function auditEvidenceContract(harness: ContractHarness): void {
  it('stores tree nodes once, finds them by key and counts leaves', async () => {
    const store = harness.store();
    const orgId = newOrg();
    expect(await store.auditTree.leafCount(orgId)).toBe(0);
    await store.auditTree.insertNodes(orgId, [
      { level: 0, index: 0, hash: hash(1) },
      { level: 0, index: 1, hash: hash(2) },
      { level: 1, index: 0, hash: hash(3) },
    ]);
    await store.auditTree.insertNodes(orgId, [{ level: 0, index: 1, hash: hash(9) }]);
    expect(await store.auditTree.leafCount(orgId)).toBe(2);
    const found = await store.auditTree.nodes(orgId, [
      { level: 1, index: 0 },
      { level: 0, index: 1 },
      { level: 5, index: 0 },
    ]);
    const byKey = new Map(found.map((node) => [`${node.level}/${node.index}`, node.hash]));
    expect(byKey.size).toBe(2);
    expect([...(byKey.get('0/1') ?? [])]).toEqual([...hash(2)]);
    expect([...(byKey.get('1/0') ?? [])]).toEqual([...hash(3)]);
    expect(await store.auditTree.nodes(newOrg(), [{ level: 0, index: 0 }])).toEqual([]);
    const range = await store.auditTree.nodeRange(orgId, 0, 1, 5);
    expect(range.map((node) => [node.level, node.index, node.hash[0]])).toEqual([[0, 1, 2]]);
    expect(await store.auditTree.nodeRange(orgId, 1, 0, 0)).toHaveLength(1);
  });

  it('appends many chained rows at once, or none when one of them does not chain', async () => {
    const store = harness.store();
    const orgId = newOrg();
    await store.audit.append(orgId, chainedRow(orgId, { n: 0 }));
    const rows = await store.audit.appendMany(orgId, (tail) => {
      const first = chainedRow(orgId, { n: 1 })(tail);
      const second = chainedRow(orgId, { n: 2 })({ seq: first.seq, hash: first.hash });
      return [first, second];
    });
    expect(rows.map((row) => row.seq)).toEqual([2, 3]);
    expect((await store.audit.range(orgId, 1)).map((row) => row.entry)).toEqual([
      { n: 0 },
      { n: 1 },
      { n: 2 },
    ]);
    const broken = store.audit.appendMany(orgId, (tail) => {
      const first = chainedRow(orgId, { n: 3 })(tail);
      return [first, chainedRow(orgId, { n: 4 })(tail)];
    });
    await expect(broken).rejects.toMatchObject({ code: 'invalid' });
    expect(await store.audit.count(orgId)).toBe(3);
  });

  it('returns audit rows as the exact canonical text that was stored', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const entry = { z: 1, a: { y: 'é', b: [1, 2] } };
    const row = await store.audit.append(orgId, chainedRow(orgId, entry));
    const [raw] = await store.auditTree.rawRange(orgId, 1, 10);
    expect(raw).toEqual({
      seq: 1,
      text: canonicalJson(entry),
      prevHash: row.prevHash,
      hash: row.hash,
    });
  });

  it('keeps one checkpoint per size and answers the latest', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const checkpoint = {
      orgId,
      size: 4,
      root: 'aa',
      note: 'n4',
      createdAt: '2026-01-01T00:00:00Z',
    };
    expect(await store.auditTree.insertCheckpoint(checkpoint)).toBe('inserted');
    expect(await store.auditTree.insertCheckpoint({ ...checkpoint, root: 'bb' })).toBe('exists');
    await store.auditTree.insertCheckpoint({ ...checkpoint, size: 9, note: 'n9' });
    expect((await store.auditTree.checkpoints(orgId)).map((c) => [c.size, c.root])).toEqual([
      [4, 'aa'],
      [9, 'aa'],
    ]);
    expect(await store.auditTree.latestCheckpoint(orgId)).toMatchObject({ size: 9, note: 'n9' });
    expect(await store.auditTree.latestCheckpoint(newOrg())).toBeUndefined();
  });

  it('has the database refuse to change tree nodes, checkpoints and blob references', async () => {
    const store = harness.store();
    const orgId = newOrg();
    await store.auditTree.insertNodes(orgId, [{ level: 0, index: 0, hash: hash(1) }]);
    await store.auditTree.insertCheckpoint({
      orgId,
      size: 1,
      root: 'r',
      note: 'n',
      createdAt: 't',
    });
    await store.auditPayloads.insertBlobs([blob(orgId, 'sha256:a')]);
    await store.auditPayloads.insertRefs([ref(orgId, 1, 'sha256:a', '2026-01-01T00:00:00Z')]);
    const attempts = [
      `update audit_tree set level = 3 where org_id = '${orgId}'`,
      `delete from audit_tree where org_id = '${orgId}'`,
      `update audit_checkpoints set root = 'x' where org_id = '${orgId}'`,
      `delete from audit_checkpoints where org_id = '${orgId}'`,
      `update audit_blob_refs set digest = 'x' where org_id = '${orgId}'`,
      `delete from audit_blob_refs where org_id = '${orgId}'`,
      `update audit_blobs set content = 'forged' where org_id = '${orgId}'`,
      `update audit_blobs set digest = 'sha256:b', content = null where org_id = '${orgId}'`,
      `delete from audit_blobs where org_id = '${orgId}'`,
    ];
    for (const text of attempts) {
      await expect(unsafeExecuteForTests(store, text), text).rejects.toThrow(/is append-only/);
    }
    expect((await store.auditPayloads.getBlob(orgId, 'sha256:a'))?.content).toBe(
      '{"healthy":true}',
    );
    expect(await store.auditTree.leafCount(orgId)).toBe(1);
  });

  it('prunes only content past retention, counting from the newest reference', async () => {
    const store = harness.store();
    const orgId = newOrg();
    await store.auditPayloads.insertBlobs([
      blob(orgId, 'sha256:old'),
      blob(orgId, 'sha256:seen-again'),
      blob(orgId, 'sha256:prompt', { class: 'prompt' }),
    ]);
    await store.auditPayloads.insertBlobs([blob(orgId, 'sha256:old', { content: 'ignored' })]);
    await store.auditPayloads.insertRefs([
      ref(orgId, 1, 'sha256:old', '2026-01-01T00:00:00Z'),
      ref(orgId, 2, 'sha256:seen-again', '2026-01-01T00:00:00Z'),
      { ...ref(orgId, 9, 'sha256:seen-again', '2026-03-01T00:00:00Z'), name: 'postState' },
      ref(orgId, 3, 'sha256:prompt', '2026-01-01T00:00:00Z'),
    ]);
    const candidates = await store.auditPayloads.pruneCandidates(
      orgId,
      'state',
      '2026-02-01T00:00:00Z',
      100,
    );
    expect(candidates.map((candidate) => candidate.blob.digest)).toEqual(['sha256:old']);
    const cursor = { createdAt: '2026-01-01T00:00:00.000Z', digest: 'sha256:old' };
    expect(
      await store.auditPayloads.pruneCandidates(
        orgId,
        'state',
        '2026-02-01T00:00:00Z',
        100,
        cursor,
      ),
    ).toEqual([]);
    expect(candidates[0]?.refs.map((one) => one.seq)).toEqual([1]);
    expect(await store.auditPayloads.prune(orgId, ['sha256:old'], '2026-02-02T00:00:00Z')).toBe(1);
    expect(await store.auditPayloads.prune(orgId, ['sha256:old'], '2026-02-03T00:00:00Z')).toBe(0);
    expect(await store.auditPayloads.getBlob(orgId, 'sha256:old')).toMatchObject({
      content: null,
      bytes: 16,
      prunedAt: '2026-02-02T00:00:00Z',
    });
    expect((await store.auditPayloads.getBlob(orgId, 'sha256:prompt'))?.content).not.toBeNull();
  });

  it('adds, lists and releases legal holds once', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const hold = {
      orgId,
      id: 'hold_1',
      kind: 'run' as const,
      value: 'run_1',
      reason: 'litigation',
      createdBy: 'auditor',
      createdAt: '2026-01-01T00:00:00Z',
      releasedAt: null,
      releasedBy: null,
    };
    await store.auditPayloads.addHold(hold);
    expect(await store.auditPayloads.holds(orgId, { active: true })).toEqual([hold]);
    expect(
      await store.auditPayloads.releaseHold(orgId, 'hold_1', 'sec', '2026-01-02T00:00:00Z'),
    ).toBe(true);
    expect(
      await store.auditPayloads.releaseHold(orgId, 'hold_1', 'sec', '2026-01-03T00:00:00Z'),
    ).toBe(false);
    expect(await store.auditPayloads.holds(orgId, { active: true })).toEqual([]);
    expect(await store.auditPayloads.holds(orgId)).toEqual([
      { ...hold, releasedAt: '2026-01-02T00:00:00Z', releasedBy: 'sec' },
    ]);
  });
}
