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
):
  | {
      code: 'self-approval' | 'separation-of-duties' | 'missing-role' | 'duplicate-decision';
      message: string;
    }
  | undefined {
  // Separation of duties: the person who asked for the action never approves it.
  if (user.id === approval.requestedBy) {
    return {
      code: 'self-approval',
      message: `${user.id} requested run ${approval.runId} and cannot decide its approval`,
    };
  }
  // Nor does anyone with a stake in it: the agent's owner, the pack's publisher.
  const conflicted = approval.forbiddenApprovers?.find((entry) => entry.user === user.id);
  if (conflicted !== undefined) {
    return {
      code: 'separation-of-duties',
      message: `${user.id} is ${describeStake(conflicted.why)} and cannot decide this approval`,
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

/** Why a person may not decide, in words: `agent-owner` → "the owner of the run's agent". */
export function describeStake(why: string): string {
  switch (why) {
    case 'requester':
      return "the run's requester";
    case 'agent-owner':
      return "the owner of the run's agent";
    case 'pack-publisher':
      return "the publisher of the tool's pack";
    default:
      return why;
  }
}
