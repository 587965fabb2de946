import { z } from 'zod';
import type { ApprovalDecisionRecord, ApprovalRecord, UserRecord } from '../../store/index.js';
import { verifyForEnvironment } from '../../packs/index.js';
import { ApiError } from '../errors.js';
import { decisionSchema } from '../inputs.js';
import type { PackServiceContext } from './context.js';
import { packRefSchema, parsePackInput, reasonSchema, splitRef } from './pack-inputs.js';
import { decisionEventType } from '../approval-events.js';

/** The approval `tool` of a pack promotion and of a quarantine release. */
export const PACK_PROMOTE_TOOL = 'castellan:pack.promote';
export const PACK_RELEASE_TOOL = 'castellan:pack.release';

/** Whether an approval request is a pack governance request (not a tool call of a run). */
export function isPackApproval(approval: Pick<ApprovalRecord, 'tool'>): boolean {
  return approval.tool === PACK_PROMOTE_TOOL || approval.tool === PACK_RELEASE_TOOL;
}

/** How many distinct approvers admission to an environment needs. */
export const PROMOTION_QUORUM = { staging: 1, prod: 2 } as const;

const targetSchema = z.enum(['staging', 'prod']);

/** A decided pack request: the request, its decisions and what was applied. */
export interface PackDecisionView {
  approval: ApprovalRecord;
  decisions: ApprovalDecisionRecord[];
  applied: 'promoted' | 'released' | null;
}

/**
 * Promotion and release go through the approvals room like any risky action (quorum, no
 * self-approval, one decision per person, expiry) plus one rule of their own: the person who
 * published the version never approves it.
 */
export class PackApprovals {
  constructor(private readonly context: PackServiceContext) {}

  /** Asks for admission to staging (one approver) or prod (two), after verifying for it. */
  async requestPromotion(
    actor: UserRecord,
    ref: string,
    rawEnvironment: unknown,
  ): Promise<ApprovalRecord> {
    const { store, orgId } = this.context;
    this.context.permit(actor, 'pack.promote');
    const { name, version } = splitRef(parsePackInput(packRefSchema, ref, 'pack'));
    const environment = parsePackInput(targetSchema, rawEnvironment, 'environment');
    // Verified for the target now, so a request that could never be applied is not made.
    const { record } = await verifyForEnvironment(store, orgId, name, version, environment);
    const approval = await this.context.approvals.request({
      orgId,
      runId: `pack:${name}@${version}`,
      stepIndex: 0,
      tool: PACK_PROMOTE_TOOL,
      args: { name, version, digest: record.digest, environment, publishedBy: record.publishedBy },
      requestedBy: actor.id,
      approverRole: 'approver',
      quorum: PROMOTION_QUORUM[environment],
      reason: `admit ${name}@${version} (${record.digest}) to ${environment}`,
      expiresInSeconds: this.context.approvalExpirySeconds,
    });
    await this.context.audit.append({
      type: 'pack-promotion-requested',
      actor: { user: actor.id },
      tool: PACK_PROMOTE_TOOL,
      pack: { name, version, digest: record.digest },
      details: { approvalId: approval.id, environment, quorum: approval.quorum },
    });
    return approval;
  }

  /** Asks for an active quarantine to be lifted (one approver, never the requester). */
  async requestRelease(
    actor: UserRecord,
    ref: string,
    rawReason: unknown,
  ): Promise<ApprovalRecord> {
    const { store, orgId } = this.context;
    this.context.permit(actor, 'pack.quarantine');
    const { name, version } = splitRef(parsePackInput(packRefSchema, ref, 'pack'));
    const reason = parsePackInput(reasonSchema, rawReason, 'reason');
    const active = (await store.packs.quarantines(orgId, { activeOnly: true })).find(
      (row) => row.name === name && row.version === version,
    );
    if (active === undefined)
      throw new ApiError('not-found', `${name}@${version} is not quarantined`);
    const approval = await this.context.approvals.request({
      orgId,
      runId: `pack:${name}@${version}`,
      stepIndex: 0,
      tool: PACK_RELEASE_TOOL,
      args: { name, version, quarantinedBecause: active.reason },
      requestedBy: actor.id,
      approverRole: 'approver',
      quorum: 1,
      reason: `lift the quarantine of ${name}@${version}: ${reason}`,
      expiresInSeconds: this.context.approvalExpirySeconds,
    });
    await this.context.audit.append({
      type: 'pack-release-requested',
      actor: { user: actor.id },
      tool: PACK_RELEASE_TOOL,
      details: { approvalId: approval.id, name, version, reason },
    });
    return approval;
  }

  /** Records one person's decision on a pack request and applies it once approved. */
  async decide(actor: UserRecord, approvalId: string, raw: unknown): Promise<PackDecisionView> {
    const { store, orgId } = this.context;
    this.context.permit(actor, 'approval.decide');
    const input = parsePackInput(decisionSchema, raw, 'decision');
    const { approval } = await this.context.approvals.get(orgId, approvalId);
    if (!isPackApproval(approval)) {
      throw new ApiError(
        'bad-input',
        `${approvalId} is not a pack request; decide it with approvals approve|deny`,
      );
    }
    const name = String(approval.args.name);
    const version = String(approval.args.version);
    const published = await store.packs.getVersion(orgId, name, version);
    if (published !== undefined && published.publishedBy === actor.id) {
      throw new ApiError(
        'forbidden',
        `${actor.id} published ${name}@${version} and cannot approve its ${approval.tool === PACK_PROMOTE_TOOL ? 'promotion' : 'release'}`,
      );
    }
    const outcome = await this.context.approvals.decide(
      orgId,
      approvalId,
      actor,
      input.decision,
      input.reason ?? null,
    );
    await this.context.audit.append({
      type: decisionEventType(outcome.status),
      actor: { user: actor.id },
      tool: approval.tool,
      approver: actor.id,
      details: {
        approvalId,
        decision: input.decision,
        reason: input.reason ?? null,
        status: outcome.status,
        name,
        version,
      },
    });
    let applied: PackDecisionView['applied'] = null;
    if (outcome.status === 'approved') applied = await this.apply(outcome.approval);
    const view = await this.context.approvals.get(orgId, approvalId);
    return { ...view, applied };
  }

  private async apply(approval: ApprovalRecord): Promise<'promoted' | 'released'> {
    const { store, orgId, clock } = this.context;
    const name = String(approval.args.name);
    const version = String(approval.args.version);
    const approvers = (await store.approvals.decisions(orgId, approval.id))
      .filter((decision) => decision.decision === 'approve')
      .map((decision) => decision.approver);
    if (approval.tool === PACK_RELEASE_TOOL) {
      await store.packs.release(
        orgId,
        name,
        version,
        approvers.join(','),
        clock.now().toISOString(),
      );
      this.context.guard.invalidate();
      await this.context.audit.append({
        type: 'pack-released',
        actor: { user: approval.requestedBy },
        approver: approvers.join(','),
        details: { approvalId: approval.id, name, version },
      });
      return 'released';
    }
    const environment = parsePackInput(targetSchema, approval.args.environment, 'environment');
    // Verified again at admission: a key removed or a version admitted since the request counts.
    const { record } = await verifyForEnvironment(store, orgId, name, version, environment);
    if (record.digest !== approval.args.digest) {
      throw new ApiError(
        'bad-input',
        `${name}@${version} changed since the request (${record.digest})`,
      );
    }
    await store.packs.admit({
      orgId,
      name,
      version,
      digest: record.digest,
      environment,
      approvers,
      approvalId: approval.id,
      admittedBy: approval.requestedBy,
      admittedAt: clock.now().toISOString(),
    });
    this.context.guard.invalidate();
    await this.context.audit.append({
      type: 'pack-promoted',
      actor: { user: approval.requestedBy },
      approver: approvers.join(','),
      pack: { name, version, digest: record.digest },
      details: { approvalId: approval.id, environment, approvers },
    });
    return 'promoted';
  }
}
