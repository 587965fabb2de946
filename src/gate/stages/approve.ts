import { digestOf } from '../../core/index.js';
import type { CallContext, StageVerdict } from '../context.js';
import { deny } from '../context.js';
import type { GateDependencies } from '../types.js';

/** The approval rule a call falls under: the stricter of policy's and the tool's own. */
export interface ApprovalRule {
  approverRole: string;
  quorum: number;
  reasons: string[];
  policyIds: string[];
}

/** The approve stage's verdict: pass, deny, or wait for people (a request must be created). */
export type ApproveVerdict =
  StageVerdict | { ok: 'pending'; rule: ApprovalRule; approvalId?: string };

/** Which approval, if any, this call needs. */
export function approvalRuleFor(
  context: CallContext,
  rollbackRole = 'approver',
): ApprovalRule | undefined {
  const candidates: ApprovalRule[] = [];
  const decision = context.policy;
  if (decision?.effect === 'needs-approval') {
    candidates.push({
      approverRole: decision.approval.role,
      quorum: decision.approval.quorum,
      reasons: decision.reasons,
      policyIds: decision.policyIds,
    });
  }
  if (context.dataApproval !== undefined) {
    candidates.push({
      approverRole: 'approver',
      quorum: 1,
      reasons: context.dataApproval.reasons,
      policyIds: context.dataApproval.ruleIds,
    });
  }
  if (
    context.request.run.kind === 'rollback' &&
    context.resolved?.tool.manifest.effect === 'write'
  ) {
    candidates.push({
      approverRole: rollbackRole,
      quorum: 1,
      reasons: [
        `a rollback of run ${context.request.run.rollbackOf ?? '(unknown)'} changes a resource back; a person confirms each step`,
      ],
      policyIds: [],
    });
  }
  const declared = context.resolved?.tool.manifest.approval;
  if (declared !== undefined) {
    candidates.push({
      approverRole: declared.role,
      quorum: declared.quorum,
      reasons: [
        `${context.resolved?.tool.id} declares that it needs approval (risk ${context.resolved?.tool.manifest.risk})`,
      ],
      policyIds: [],
    });
  }
  if (candidates.length === 0) return undefined;
  // The strictest rule wins: the highest quorum; on a tie, policy's rule (it comes first).
  const strictest = candidates.reduce((best, next) => (next.quorum > best.quorum ? next : best));
  return {
    ...strictest,
    reasons: candidates.flatMap((candidate) => candidate.reasons),
    policyIds: [...new Set(candidates.flatMap((candidate) => candidate.policyIds))],
  };
}

/**
 * Stage 5: a call that needs people passes only with an approval granted for exactly this call
 * (same run, step, tool and arguments). Without one, the caller creates a request and the run
 * waits; a denied or expired approval is a denial.
 */
export async function approveStage(
  dependencies: GateDependencies,
  context: CallContext,
): Promise<ApproveVerdict> {
  const rule = approvalRuleFor(context, dependencies.rollbackApproverRole);
  if (rule === undefined) return { ok: true, detail: { required: false } };
  const { request } = context;
  if (request.approvalId === undefined) return { ok: 'pending', rule };
  const approval = await dependencies.store.approvals.get(request.orgId, request.approvalId);
  const resolved = context.resolved;
  if (approval === undefined || resolved === undefined) {
    return deny('approval-missing', `approval ${request.approvalId} does not exist`);
  }
  const matches =
    approval.runId === request.run.id &&
    approval.stepIndex === request.stepIndex &&
    approval.tool === resolved.tool.id &&
    digestOf(approval.args) === digestOf(resolved.args);
  if (!matches) return deny('approval-mismatch', `approval ${approval.id} covers a different call`);
  // The rule may have tightened since the request was made (a new policy version): re-check it.
  if (approval.quorum < rule.quorum || approval.approverRole !== rule.approverRole) {
    return { ok: 'pending', rule };
  }
  if (approval.status === 'pending') return { ok: 'pending', rule, approvalId: approval.id };
  if (approval.status !== 'approved') {
    return deny(`approval-${approval.status}`, `approval ${approval.id} was ${approval.status}`, {
      policyIds: rule.policyIds,
    });
  }
  const decisions = await dependencies.store.approvals.decisions(request.orgId, approval.id);
  context.approvers = decisions
    .filter((decision) => decision.decision === 'approve')
    .map((decision) => decision.approver);
  return {
    ok: true,
    detail: { required: true, approvalId: approval.id, approvers: context.approvers },
  };
}
