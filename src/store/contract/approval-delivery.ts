import { expect, it } from 'vitest';
import { newId } from '../../core/index.js';
import type { NotificationRecord } from '../approval-delivery-port.js';
import { anApproval, newOrg, type ContractHarness } from './fixtures.js';

function aNotification(
  orgId: string,
  overrides: Partial<NotificationRecord> = {},
): NotificationRecord {
  return {
    orgId,
    id: newId('ntf'),
    approvalId: 'apr_1',
    channel: 'ops-slack',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: '2026-01-01T00:00:00.000Z',
    lastError: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    sentAt: null,
    ...overrides,
  };
}

/** Approval details, the expiry query, the notification outbox and one-time links. */
export function approvalDeliveryContract(harness: ContractHarness): void {
  it('keeps what an approval shows and who may not decide it', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const approval = anApproval(orgId, 'run_1', {
      details: { change: { diff: [{ path: 'poolSize', from: 8, to: 16 }] } },
      forbiddenApprovers: [{ user: 'admin', why: 'agent-owner' }],
    });
    await store.approvals.insert(approval);
    expect(await store.approvals.get(orgId, approval.id)).toEqual(approval);
  });

  it('lists pending approvals due for expiry, soonest first', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const late = anApproval(orgId, 'run_1', { expiresAt: '2026-01-01T02:00:00.000Z' });
    const soon = anApproval(orgId, 'run_2', { expiresAt: '2026-01-01T01:00:00.000Z' });
    const later = anApproval(orgId, 'run_3', { expiresAt: '2026-01-01T09:00:00.000Z' });
    const decided = anApproval(orgId, 'run_4', {
      expiresAt: '2026-01-01T00:30:00.000Z',
      status: 'approved',
    });
    for (const approval of [late, soon, later, decided]) await store.approvals.insert(approval);
    const due = await store.approvals.expiring(orgId, '2026-01-01T02:00:00.000Z', 10);
    expect(due.map((approval) => approval.id)).toEqual([soon.id, late.id]);
    expect(await store.approvals.expiring(orgId, '2026-01-01T02:00:00.000Z', 1)).toHaveLength(1);
  });

  it('hands a due notification to one dispatcher only, and records each attempt', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const first = aNotification(orgId);
    const notYet = aNotification(orgId, { nextAttemptAt: '2026-01-01T05:00:00.000Z' });
    await store.approvalDelivery.enqueue([first, notYet]);
    const due = await store.approvalDelivery.due(orgId, '2026-01-01T00:00:01.000Z', 10);
    expect(due).toEqual([first]);
    const other = await harness.openAnother();
    const claims = await Promise.all([
      store.approvalDelivery.claim(
        orgId,
        first.id,
        first.nextAttemptAt,
        '2026-01-01T00:01:00.000Z',
      ),
      other.approvalDelivery.claim(
        orgId,
        first.id,
        first.nextAttemptAt,
        '2026-01-01T00:01:00.000Z',
      ),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.approvalDelivery.due(orgId, '2026-01-01T00:00:30.000Z', 10)).toEqual([]);
    await store.approvalDelivery.settle(orgId, first.id, {
      status: 'sent',
      attempts: 1,
      nextAttemptAt: '2026-01-01T00:00:02.000Z',
      lastError: null,
      sentAt: '2026-01-01T00:00:02.000Z',
    });
    expect(await store.approvalDelivery.get(orgId, first.id)).toMatchObject({
      status: 'sent',
      attempts: 1,
      sentAt: '2026-01-01T00:00:02.000Z',
    });
    expect(
      (await store.approvalDelivery.list(orgId, { status: ['pending'] })).map((each) => each.id),
    ).toEqual([notYet.id]);
    expect(await store.approvalDelivery.list(orgId, { approvalId: 'apr_other' })).toEqual([]);
  });

  it('redeems a decision link once, even when two redeem it at the same moment', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const use = {
      orgId,
      linkId: newId('lnk'),
      approvalId: 'apr_1',
      approver: 'bob',
      decision: 'approve' as const,
      usedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T00:15:00.000Z',
    };
    const other = await harness.openAnother();
    const results = await Promise.all([
      store.approvalDelivery.useLink(use),
      other.approvalDelivery.useLink(use),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.approvalDelivery.useLink(use)).toBe(false);
    expect(await store.approvalDelivery.useLink({ ...use, orgId: newOrg() })).toBe(true);
  });
}
