import { newId, systemClock, type Clock } from '../core/index.js';
import type { ApprovalDecisionRecord, ApprovalRecord, Store, UserRecord } from '../store/index.js';
import { ApprovalError } from './errors.js';
import { tally, whyCannotDecide } from './rules.js';

/** What the gate asks for when an action needs a human. */
export interface ApprovalRequestInput {
  /** Chosen by the caller when it must audit the request before it exists. */
  id?: string;
  orgId: string;
  runId: string;
  stepIndex: number;
  tool: string;
  args: Record<string, unknown>;
  requestedBy: string;
  approverRole: string;
  quorum: number;
  reason: string;
  expiresInSeconds: number;
}

/** The result of one person's decision. */
export interface DecisionOutcome {
  approval: ApprovalRecord;
  decision: ApprovalDecisionRecord;
  /** The request's status after this decision. */
  status: 'pending' | 'approved' | 'denied';
}

/** Approval requests: creation, decisions with separation of duties, quorum and expiry. */
export class Approvals {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Records a new pending request. */
  async request(input: ApprovalRequestInput): Promise<ApprovalRecord> {
    const now = this.clock.now();
    const approval: ApprovalRecord = {
      orgId: input.orgId,
      id: input.id ?? newId('apr'),
      runId: input.runId,
      stepIndex: input.stepIndex,
      tool: input.tool,
      args: input.args,
      requestedBy: input.requestedBy,
      approverRole: input.approverRole,
      quorum: input.quorum,
      reason: input.reason,
      status: 'pending',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + input.expiresInSeconds * 1000).toISOString(),
      decidedAt: null,
    };
    await this.store.approvals.insert(approval);
    return approval;
  }

  /**
   * Records one person's decision. Refuses the requester, anyone without the role, anyone who
   * already decided, and any decision on a request that is decided or expired (expiry is a deny).
   */
  async decide(
    orgId: string,
    approvalId: string,
    user: UserRecord,
    decision: 'approve' | 'deny',
    reason: string | null,
  ): Promise<DecisionOutcome> {
    return this.store.transaction(async (store) => {
      const approval = await store.approvals.get(orgId, approvalId);
      if (approval === undefined) throw new ApprovalError('not-found', `no approval ${approvalId}`);
      const now = this.clock.now();
      if (approval.status === 'pending' && now.toISOString() >= approval.expiresAt) {
        await store.approvals.resolve(orgId, approvalId, 'expired', now.toISOString());
        throw new ApprovalError(
          'expired',
          `approval ${approvalId} expired at ${approval.expiresAt}`,
        );
      }
      if (approval.status !== 'pending') {
        throw new ApprovalError(
          'already-decided',
          `approval ${approvalId} is already ${approval.status}`,
        );
      }
      const earlier = await store.approvals.decisions(orgId, approvalId);
      const refusal = whyCannotDecide(approval, user, earlier);
      if (refusal !== undefined) throw new ApprovalError(refusal.code, refusal.message);
      const record: ApprovalDecisionRecord = {
        orgId,
        approvalId,
        approver: user.id,
        decision,
        reason,
        decidedAt: now.toISOString(),
      };
      await store.approvals.addDecision(record);
      const status = tally(approval, [...earlier, record]);
      if (status !== 'pending') {
        const resolved = await store.approvals.resolve(
          orgId,
          approvalId,
          status,
          now.toISOString(),
        );
        if (!resolved)
          throw new ApprovalError(
            'already-decided',
            `approval ${approvalId} was decided concurrently`,
          );
      }
      const updated = (await store.approvals.get(orgId, approvalId)) ?? approval;
      return { approval: updated, decision: record, status };
    });
  }

  /** The request and the decisions made on it so far. */
  async get(
    orgId: string,
    approvalId: string,
  ): Promise<{ approval: ApprovalRecord; decisions: ApprovalDecisionRecord[] }> {
    const approval = await this.store.approvals.get(orgId, approvalId);
    if (approval === undefined) throw new ApprovalError('not-found', `no approval ${approvalId}`);
    return { approval, decisions: await this.store.approvals.decisions(orgId, approvalId) };
  }
}
