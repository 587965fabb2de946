import type { DecisionOutcome } from '../approvals/index.js';

/** The audit event of one person's decision on an approval, by the request's status after it. */
export function decisionEventType(
  status: DecisionOutcome['status'],
): 'approval-granted' | 'approval-denied' | 'approval-decision-recorded' {
  if (status === 'approved') return 'approval-granted';
  if (status === 'denied') return 'approval-denied';
  // Still pending: a quorum wants more approvers.
  return 'approval-decision-recorded';
}
