import { newId, systemClock, type Clock } from '../core/index.js';
import type {
  ApprovalDecisionRecord,
  ApprovalRecord,
  NotificationRecord,
  Store,
  UserRecord,
} from '../store/index.js';
import { ApprovalError } from './errors.js';
import { readLinkToken, type LinkSigner } from './links.js';
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
  /** What will happen, shown to the approver: provenance, policies, state, the change. */
  details?: Record<string, unknown>;
  /** People with a stake who may not decide (the requester is always refused besides these). */
  forbiddenApprovers?: Array<{ user: string; why: string }>;
  /** Webhook names to notify; the rows join the request's transaction, so none is lost. */
  notify?: string[];
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

  /** Records a new pending request, and its notifications in the same transaction. */
  async request(input: ApprovalRequestInput): Promise<ApprovalRecord> {
    const now = this.clock.now();
    const forbidden = (input.forbiddenApprovers ?? []).filter(
      (entry) => entry.user !== input.requestedBy,
    );
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
      ...(input.details === undefined ? {} : { details: input.details }),
      ...(forbidden.length === 0 ? {} : { forbiddenApprovers: forbidden }),
    };
    const notifications: NotificationRecord[] = (input.notify ?? []).map((channel) => ({
      orgId: input.orgId,
      id: newId('ntf'),
      approvalId: approval.id,
      channel,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now.toISOString(),
      lastError: null,
      createdAt: now.toISOString(),
      sentAt: null,
    }));
    await this.store.transaction(async (store) => {
      await store.approvals.insert(approval);
      await store.approvalDelivery.enqueue(notifications);
    });
    return approval;
  }

  /**
   * Records one person's decision. Refuses the requester, anyone with a stake (agent owner,
   * pack publisher), anyone without the role, anyone who already decided, and any decision on
   * a request that is decided or expired (expiry is a deny).
   */
  async decide(
    orgId: string,
    approvalId: string,
    user: UserRecord,
    decision: 'approve' | 'deny',
    reason: string | null,
  ): Promise<DecisionOutcome> {
    const result = await this.store.transaction((store) =>
      this.decideIn(store, orgId, approvalId, user, decision, reason),
    );
    if (result.kind === 'expired') {
      throw new ApprovalError('expired', `approval ${approvalId} expired at ${result.expiresAt}`);
    }
    return result.outcome;
  }

  /**
   * Decides through a signed one-time link: the link names the approval, the approver and the
   * decision, so whoever holds it can do exactly that, once, before it expires. The link is
   * spent in the same transaction as the decision; every rule of `decide` still applies.
   */
  async decideByLink(
    orgId: string,
    signer: LinkSigner,
    token: string,
    reason: string | null,
  ): Promise<DecisionOutcome & { approver: UserRecord }> {
    const now = this.clock.now();
    const claims = await readLinkToken(signer, token, now);
    if (claims.org !== orgId)
      throw new ApprovalError('bad-link', 'the link is for another organisation');
    const result = await this.store.transaction(async (store) => {
      const user = await store.users.get(claims.org, claims.usr);
      if (user === undefined) {
        throw new ApprovalError('bad-link', `the link's approver ${claims.usr} no longer exists`);
      }
      const fresh = await store.approvalDelivery.useLink({
        orgId: claims.org,
        linkId: claims.lid,
        approvalId: claims.apr,
        approver: claims.usr,
        decision: claims.dec,
        usedAt: now.toISOString(),
        expiresAt: new Date(claims.exp * 1000).toISOString(),
      });
      if (!fresh) throw new ApprovalError('link-used', 'this decision link has been used already');
      const decided = await this.decideIn(store, claims.org, claims.apr, user, claims.dec, reason);
      return { decided, user };
    });
    if (result.decided.kind === 'expired') {
      throw new ApprovalError(
        'expired',
        `approval ${claims.apr} expired at ${result.decided.expiresAt}`,
      );
    }
    return { ...result.decided.outcome, approver: result.user };
  }

  /**
   * Ends every pending request past its expiry as `expired` (a deny), at most `limit` of them,
   * and returns those this call ended (a request another sweeper ended first is not returned).
   */
  async expireDue(orgId: string, limit = 500): Promise<ApprovalRecord[]> {
    const now = this.clock.now().toISOString();
    const due = await this.store.approvals.expiring(orgId, now, limit);
    const ended: ApprovalRecord[] = [];
    for (const approval of due) {
      if (await this.store.approvals.resolve(orgId, approval.id, 'expired', now)) {
        ended.push({ ...approval, status: 'expired', decidedAt: now });
      }
    }
    return ended;
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

  // An expired request is resolved inside the transaction and reported after it commits, so
  // the expiry sticks even though the decision is refused.
  private async decideIn(
    store: Store,
    orgId: string,
    approvalId: string,
    user: UserRecord,
    decision: 'approve' | 'deny',
    reason: string | null,
  ): Promise<
    { kind: 'decided'; outcome: DecisionOutcome } | { kind: 'expired'; expiresAt: string }
  > {
    const approval = await store.approvals.get(orgId, approvalId);
    if (approval === undefined) throw new ApprovalError('not-found', `no approval ${approvalId}`);
    const now = this.clock.now();
    if (approval.status === 'pending' && now.toISOString() >= approval.expiresAt) {
      await store.approvals.resolve(orgId, approvalId, 'expired', now.toISOString());
      return { kind: 'expired', expiresAt: approval.expiresAt };
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
      const resolved = await store.approvals.resolve(orgId, approvalId, status, now.toISOString());
      if (!resolved)
        throw new ApprovalError(
          'already-decided',
          `approval ${approvalId} was decided concurrently`,
        );
    }
    const updated = (await store.approvals.get(orgId, approvalId)) ?? approval;
    return { kind: 'decided', outcome: { approval: updated, decision: record, status } };
  }
}
