import { expect, it } from 'vitest';
import { aRun, aStep, chainedRow, newOrg, type ContractHarness } from './fixtures.js';

/** Transactions, migrations and the lifecycle of a store. */
export function lifecycleContract(harness: ContractHarness): void {
  it('commits the work of a transaction', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const run = aRun(orgId);
    const result = await store.transaction(async (transaction) => {
      await transaction.runs.insert(run);
      await transaction.steps.insert(aStep(orgId, run.id));
      await transaction.audit.append(orgId, chainedRow(orgId, { runId: run.id }));
      return 'done';
    });
    expect(result).toBe('done');
    expect(await store.steps.listForRun(orgId, run.id)).toHaveLength(1);
    expect(await store.audit.forRun(orgId, run.id)).toHaveLength(1);
  });

  it('rolls a transaction back when its work throws, and rethrows the error', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const run = aRun(orgId);
    const failure = new Error('planner crashed');
    const attempt = store.transaction(async (transaction) => {
      await transaction.runs.insert(run);
      await transaction.audit.append(orgId, chainedRow(orgId, { runId: run.id }));
      await transaction.policies.activate({
        orgId,
        digest: 'sha256:x',
        policies: {},
        createdBy: 'alice',
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      await transaction.runs.update(orgId, run.id, 1, { status: 'running' });
      throw failure;
    });
    await expect(attempt).rejects.toBe(failure);
    expect(await store.runs.get(orgId, run.id)).toBeUndefined();
    expect(await store.audit.count(orgId)).toBe(0);
    expect(await store.policies.list(orgId)).toEqual([]);
  });

  it('joins a nested transaction to the outer one', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const outer = aRun(orgId);
    const inner = aRun(orgId);
    const attempt = store.transaction(async (transaction) => {
      await transaction.runs.insert(outer);
      await transaction.transaction(async (nested) => nested.runs.insert(inner));
      expect(await transaction.runs.get(orgId, inner.id)).toBeDefined();
      throw new Error('abandon');
    });
    await expect(attempt).rejects.toThrow('abandon');
    expect(await store.runs.list(orgId)).toEqual([]);
  });

  it('refuses calls to the outer store from inside its transaction instead of hanging', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const attempt = store.transaction(async (transaction) => {
      await transaction.runs.insert(aRun(orgId));
      await store.audit.append(orgId, chainedRow(orgId, {}));
    });
    await expect(attempt).rejects.toMatchObject({ code: 'conflict' });
    expect(await store.runs.list(orgId)).toEqual([]);
    expect(await store.audit.count(orgId)).toBe(0);
  });

  it('migrates idempotently and keeps the data', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const run = aRun(orgId);
    await store.runs.insert(run);
    await store.migrate();
    await store.migrate();
    const another = await harness.openAnother();
    await another.migrate();
    expect(await another.runs.get(orgId, run.id)).toEqual(run);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('reports a closed store as unavailable rather than answering', async () => {
    const another = await harness.openAnother();
    await another.close();
    await another.close();
    await expect(another.runs.get(newOrg(), 'run_1')).rejects.toMatchObject({
      room: 'store',
      code: 'unavailable',
      kind: 'unavailable',
    });
    await expect(another.ping()).rejects.toMatchObject({ code: 'unavailable' });
  });
}
