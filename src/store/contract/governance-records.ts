import { expect, it } from 'vitest';
import { aRun, anApproval, newOrg, type ContractHarness } from './fixtures.js';

const policySet = (orgId: string, digest: string) => ({
  orgId,
  digest,
  policies: { 'base.cedar': 'permit(principal, action, resource);' },
  createdBy: 'alice',
  createdAt: '2026-01-01T00:00:00.000Z',
});

/** Approvals with their decisions, and versioned policy sets. */
export function governanceRecordContract(harness: ContractHarness): void {
  it('round-trips approvals and lists them by status and run', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const run = aRun(orgId);
    const pending = anApproval(orgId, run.id, { createdAt: '2026-01-01T00:00:00.000Z' });
    const denied = anApproval(orgId, 'run_other', {
      status: 'denied',
      createdAt: '2026-01-02T00:00:00.000Z',
      decidedAt: '2026-01-02T01:00:00.000Z',
    });
    await store.approvals.insert(denied);
    await store.approvals.insert(pending);
    expect(await store.approvals.get(orgId, pending.id)).toEqual(pending);
    expect(await store.approvals.list(orgId)).toEqual([pending, denied]);
    expect(await store.approvals.list(orgId, { status: ['pending'] })).toEqual([pending]);
    expect(await store.approvals.list(orgId, { runId: 'run_other' })).toEqual([denied]);
    expect(await store.approvals.list(orgId, { status: [] })).toEqual([]);
    expect(await store.approvals.get(newOrg(), pending.id)).toBeUndefined();
  });

  it('resolves an approval only once, even when deciders race', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const approval = anApproval(orgId, 'run_1');
    await store.approvals.insert(approval);
    const other = await harness.openAnother();
    const outcomes = await Promise.all([
      store.approvals.resolve(orgId, approval.id, 'approved', '2026-01-01T01:00:00.000Z'),
      other.approvals.resolve(orgId, approval.id, 'denied', '2026-01-01T01:00:01.000Z'),
      store.approvals.resolve(orgId, approval.id, 'expired', '2026-01-01T01:00:02.000Z'),
    ]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const stored = await store.approvals.get(orgId, approval.id);
    expect(stored?.status).not.toBe('pending');
    expect(await store.approvals.resolve(orgId, approval.id, 'approved', 'later')).toBe(false);
    expect(await store.approvals.get(orgId, approval.id)).toEqual(stored);
  });

  it('records one decision per approver', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const approval = anApproval(orgId, 'run_1');
    await store.approvals.insert(approval);
    const bob = {
      orgId,
      approvalId: approval.id,
      approver: 'bob',
      decision: 'approve' as const,
      reason: null,
      decidedAt: '2026-01-01T02:00:00.000Z',
    };
    const carol = { ...bob, approver: 'carol', decision: 'deny' as const, reason: 'too large' };
    await store.approvals.addDecision(carol);
    await store.approvals.addDecision({ ...bob, decidedAt: '2026-01-01T01:00:00.000Z' });
    expect(await store.approvals.decisions(orgId, approval.id)).toEqual([
      { ...bob, decidedAt: '2026-01-01T01:00:00.000Z' },
      carol,
    ]);
    await expect(store.approvals.addDecision(bob)).rejects.toMatchObject({ code: 'conflict' });
    const orphan = store.approvals.addDecision({ ...bob, approvalId: 'apr_missing' });
    await expect(orphan).rejects.toMatchObject({ code: 'conflict' });
  });

  it('activates policy versions so that exactly one is active', async () => {
    const store = harness.store();
    const orgId = newOrg();
    expect(await store.policies.active(orgId)).toBeUndefined();
    const first = await store.policies.activate(policySet(orgId, 'sha256:one'));
    expect(first).toMatchObject({ version: 1, active: true });
    const second = await store.policies.activate(policySet(orgId, 'sha256:two'));
    expect(second).toMatchObject({ version: 2, active: true, digest: 'sha256:two' });
    expect(await store.policies.active(orgId)).toEqual(second);
    expect(await store.policies.get(orgId, 1)).toEqual({ ...first, active: false });
    const all = await store.policies.list(orgId);
    expect(all.map((set) => [set.version, set.active])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(await store.policies.get(orgId, 9)).toBeUndefined();
    expect(await store.policies.active(newOrg())).toBeUndefined();
  });

  it('numbers racing activations without gaps and leaves one active', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const other = await harness.openAnother();
    const stored = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        (index % 2 === 0 ? store : other).policies.activate(policySet(orgId, `sha256:${index}`)),
      ),
    );
    expect(stored.map((set) => set.version).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    const all = await store.policies.list(orgId);
    expect(all.filter((set) => set.active).map((set) => set.version)).toEqual([8]);
  });
}
