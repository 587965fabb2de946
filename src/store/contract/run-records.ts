import { expect, it } from 'vitest';
import { StoreError } from '../errors.js';
import { aRun, aStep, newOrg, type ContractHarness } from './fixtures.js';

/** Runs (with optimistic concurrency) and their steps. */
export function runRecordContract(harness: ContractHarness): void {
  it('round-trips a run with nested JSON and booleans', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const run = aRun(orgId, { tainted: true, tokenJti: 'jti-9', reason: 'because' });
    await store.runs.insert(run);
    expect(await store.runs.get(orgId, run.id)).toEqual(run);
    expect(await store.runs.get(newOrg(), run.id)).toBeUndefined();
  });

  it('refuses a second run with the same id', async () => {
    const store = harness.store();
    const run = aRun(newOrg());
    await store.runs.insert(run);
    await expect(store.runs.insert(run)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('lists runs newest first, filtered by status and limited', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const first = aRun(orgId, { createdAt: '2026-01-01T00:00:00.000Z' });
    const second = aRun(orgId, { createdAt: '2026-01-02T00:00:00.000Z', status: 'running' });
    const third = aRun(orgId, { createdAt: '2026-01-03T00:00:00.000Z', status: 'completed' });
    for (const run of [second, third, first]) await store.runs.insert(run);
    expect(await store.runs.list(orgId)).toEqual([third, second, first]);
    expect(await store.runs.list(orgId, { limit: 2 })).toEqual([third, second]);
    const active = await store.runs.list(orgId, { status: ['queued', 'running'] });
    expect(active).toEqual([second, first]);
    expect(await store.runs.list(orgId, { status: [] })).toEqual([]);
  });

  it('updates a run at the expected version and increments it', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const run = aRun(orgId);
    await store.runs.insert(run);
    const updated = await store.runs.update(orgId, run.id, 1, {
      status: 'running',
      tainted: true,
      planner: { kind: 'scripted', cursor: 1 },
      stepCount: 1,
    });
    expect(updated).toMatchObject({ status: 'running', tainted: true, stepCount: 1, version: 2 });
    expect(updated?.planner).toEqual({ kind: 'scripted', cursor: 1 });
    expect(updated?.updatedAt).not.toBe(run.updatedAt);
    expect(await store.runs.get(orgId, run.id)).toEqual(updated);
    const given = await store.runs.update(orgId, run.id, 2, {
      reason: null,
      updatedAt: '2026-03-01T00:00:00.000Z',
    });
    expect(given).toMatchObject({ updatedAt: '2026-03-01T00:00:00.000Z', version: 3 });
  });

  it('returns undefined and changes nothing when the version is stale', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const run = aRun(orgId);
    await store.runs.insert(run);
    await store.runs.update(orgId, run.id, 1, { status: 'running' });
    expect(await store.runs.update(orgId, run.id, 1, { status: 'cancelled' })).toBeUndefined();
    expect(await store.runs.get(orgId, run.id)).toMatchObject({ status: 'running', version: 2 });
    expect(await store.runs.update(orgId, 'run_missing', 1, {})).toBeUndefined();
  });

  it('lets exactly one of several racing updates at one version win', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const run = aRun(orgId);
    await store.runs.insert(run);
    const other = await harness.openAnother();
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        (index % 2 === 0 ? store : other).runs.update(orgId, run.id, 1, { stepCount: index }),
      ),
    );
    expect(attempts.filter((result) => result !== undefined)).toHaveLength(1);
    expect((await store.runs.get(orgId, run.id))?.version).toBe(2);
  });

  it('round-trips steps in order and updates them', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const run = aRun(orgId);
    await store.runs.insert(run);
    const second = aStep(orgId, run.id, { index: 1, result: { lines: ['ok'], code: 0 } });
    const first = aStep(orgId, run.id, {
      decision: { effect: 'allow', policyIds: ['p1'] },
      model: { provider: 'anthropic', id: 'claude', version: '2026-01' },
      error: 'none',
      approvalId: 'apr_1',
    });
    await store.steps.insert(second);
    await store.steps.insert(first);
    expect(await store.steps.get(orgId, run.id, 0)).toEqual(first);
    expect(await store.steps.listForRun(orgId, run.id)).toEqual([first, second]);
    const updated = await store.steps.update(orgId, run.id, 1, {
      status: 'succeeded',
      result: 'plain text',
      decision: null,
      updatedAt: '2026-01-01T00:01:00.000Z',
    });
    expect(updated).toEqual({
      ...second,
      status: 'succeeded',
      result: 'plain text',
      updatedAt: '2026-01-01T00:01:00.000Z',
    });
    expect(await store.steps.get(orgId, run.id, 1)).toEqual(updated);
    expect(await store.steps.get(orgId, run.id, 7)).toBeUndefined();
  });

  it('reports a missing step on update and refuses a step of a missing run', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const run = aRun(orgId);
    await store.runs.insert(run);
    const update = store.steps.update(orgId, run.id, 3, { status: 'failed' });
    await expect(update).rejects.toBeInstanceOf(StoreError);
    await expect(update).rejects.toMatchObject({ code: 'not-found', kind: 'not-found' });
    const orphan = store.steps.insert(aStep(orgId, 'run_missing'));
    await expect(orphan).rejects.toMatchObject({ code: 'conflict' });
  });
}
