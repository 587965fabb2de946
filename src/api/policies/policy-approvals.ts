import type { ApprovalRecord } from '../../store/index.js';

/**
 * A weakening policy change waits in the approvals room like any risky action: the request's
 * `tool` is this marker, its `runId` is `policy:v<version>` and its `stepIndex` the proposed
 * version (no run exists), the approver role is `security-admin`, and the proposer can never
 * decide it (separation of duties, enforced by the approvals room).
 */
export const POLICY_APPLY_TOOL = 'castellan:policy.apply';

/** The role that approves a weakening change. */
export const POLICY_APPROVER_ROLE = 'security-admin';

/** Whether an approval request is a policy change (not a tool call of a run). */
export function isPolicyApproval(approval: Pick<ApprovalRecord, 'tool'>): boolean {
  return approval.tool === POLICY_APPLY_TOOL;
}

/** The governance marker standing where a run id would be. */
export function policyRunMarker(version: number): string {
  return `policy:v${version}`;
}
