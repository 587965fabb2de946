import type { ApprovalDecisionRecord, ApprovalRecord, UserRecord } from '../store/index.js';

/** Whether a user holds the role an approval asks for: exact match only, no implied roles. */
export function holdsApproverRole(user: UserRecord, role: string): boolean {
  return user.roles.includes(role);
}

/** Why a user may not decide this request, or undefined when they may. */
export function whyCannotDecide(
  approval: ApprovalRecord,
  user: UserRecord,
  earlier: ApprovalDecisionRecord[],
): { code: 'self-approval' | 'missing-role' | 'duplicate-decision'; message: string } | undefined {
  // Separation of duties: the person who asked for the action never approves it.
  if (user.id === approval.requestedBy) {
    return {
      code: 'self-approval',
      message: `${user.id} requested run ${approval.runId} and cannot decide its approval`,
    };
  }
  if (user.disabled || !holdsApproverRole(user, approval.approverRole)) {
    return {
      code: 'missing-role',
      message: `${user.id} does not hold the role ${approval.approverRole} this approval needs`,
    };
  }
  if (earlier.some((decision) => decision.approver === user.id)) {
    return { code: 'duplicate-decision', message: `${user.id} has already decided this approval` };
  }
  return undefined;
}

/** The status after a set of decisions: one deny ends it; `quorum` distinct approvals grant it. */
export function tally(
  approval: ApprovalRecord,
  decisions: ApprovalDecisionRecord[],
): 'pending' | 'approved' | 'denied' {
  if (decisions.some((decision) => decision.decision === 'deny')) return 'denied';
  const approvers = new Set(
    decisions
      .filter((decision) => decision.decision === 'approve')
      .map((decision) => decision.approver),
  );
  return approvers.size >= approval.quorum ? 'approved' : 'pending';
}
