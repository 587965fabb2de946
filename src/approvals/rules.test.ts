import { describe, expect, it } from 'vitest';
import type { ApprovalDecisionRecord, ApprovalRecord, UserRecord } from '../store/index.js';
import { tally, whyCannotDecide } from './rules.js';

const approval: ApprovalRecord = {
  orgId: 'o',
  id: 'apr_1',
  runId: 'run_1',
  stepIndex: 0,
  tool: 't',
  args: {},
  requestedBy: 'operator',
  approverRole: 'approver:finance',
  quorum: 2,
  reason: 'r',
  status: 'pending',
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-02T00:00:00.000Z',
  decidedAt: null,
};
const user = (id: string, roles: string[], disabled = false): UserRecord => ({
  orgId: 'o',
  id,
  displayName: id,
  roles,
  disabled,
  createdAt: '',
});
const decision = (approver: string, choice: 'approve' | 'deny'): ApprovalDecisionRecord => ({
  orgId: 'o',
  approvalId: 'apr_1',
  approver,
  decision: choice,
  reason: null,
  decidedAt: '',
});

describe('who may decide an approval', () => {
  it('refuses the requester even when they hold the role', () => {
    expect(whyCannotDecide(approval, user('operator', ['approver:finance']), [])?.code).toBe(
      'self-approval',
    );
  });
  it('refuses a user without the exact role, and a disabled approver', () => {
    expect(whyCannotDecide(approval, user('a', ['approver']), [])?.code).toBe('missing-role');
    expect(whyCannotDecide(approval, user('a', ['admin']), [])?.code).toBe('missing-role');
    expect(whyCannotDecide(approval, user('a', ['approver:finance'], true), [])?.code).toBe(
      'missing-role',
    );
  });
  it('refuses a second decision by the same person', () => {
    expect(
      whyCannotDecide(approval, user('a', ['approver:finance']), [decision('a', 'approve')])?.code,
    ).toBe('duplicate-decision');
  });
  it('lets a distinct approver with the role decide', () => {
    expect(
      whyCannotDecide(approval, user('b', ['approver:finance']), [decision('a', 'approve')]),
    ).toBeUndefined();
  });
});

describe('the tally', () => {
  it('needs a quorum of distinct approvers', () => {
    expect(tally(approval, [decision('a', 'approve')])).toBe('pending');
    expect(tally(approval, [decision('a', 'approve'), decision('b', 'approve')])).toBe('approved');
  });
  it('ends on one deny whatever the approvals', () => {
    expect(
      tally(approval, [decision('a', 'approve'), decision('b', 'approve'), decision('c', 'deny')]),
    ).toBe('denied');
  });
});
