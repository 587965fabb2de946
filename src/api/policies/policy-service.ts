import type { AuditLog } from '../../audit/index.js';
import type { Approvals } from '../../approvals/index.js';
import { describeError, digestOf, type Clock } from '../../core/index.js';
import type { ControlPlaneAction } from '../../identity/index.js';
import { PolicyEngine, PolicyError, type PolicyInfo } from '../../policy/index.js';
import type {
  ApprovalDecisionRecord,
  ApprovalRecord,
  PolicySetRecord,
  Store,
  UserRecord,
} from '../../store/index.js';
import { ApiError } from '../errors.js';
import { decisionSchema, parseInput } from '../inputs.js';
import {
  isPolicyApproval,
  POLICY_APPLY_TOOL,
  POLICY_APPROVER_ROLE,
  policyRunMarker,
} from './policy-approvals.js';
import { diffPolicySets, type PolicyDiff } from './policy-diff.js';
import { replayDecisions, shadowDifferences, type DecisionComparison } from './policy-history.js';
import { parsePolicyFiles, parseVersion, sinceSchema } from './policy-inputs.js';
import type { PolicyRuntime } from './policy-runtime.js';
import { decisionEventType } from '../approval-events.js';

/** What the policy operations share with the application service. */
export interface PolicyServiceContext {
  store: Store;
  audit: AuditLog;
  approvals: Approvals;
  runtime: PolicyRuntime;
  orgId: string;
  clock: Clock;
  approvalExpirySeconds: number;
  /** Throws a forbidden ApiError unless the actor may take the action. */
  permit(actor: UserRecord, action: ControlPlaneAction): void;
}

/** A policy set as listings show it. */
export interface PolicyVersionView {
  version: number;
  digest: string;
  createdBy: string;
  createdAt: string;
  active: boolean;
  shadow: boolean;
  files: string[];
  policies: Array<Pick<PolicyInfo, 'id' | 'effect' | 'file' | 'line'> & { approval?: string }>;
}

/** What `policy apply` did. */
export type ApplyOutcome =
  | { status: 'unchanged'; version: number }
  | { status: 'applied'; version: number; diff: PolicyDiff }
  | { status: 'awaiting-approval'; version: number; approvalId: string; diff: PolicyDiff };

/**
 * Policy governance: validate a set against the schema of the installed packs, apply it as a new
 * version (a weakening change waits for a second security-admin), list, show and diff versions,
 * try a candidate in shadow mode, and replay recorded calls under a candidate.
 */
export class PolicyService {
  constructor(private readonly context: PolicyServiceContext) {}

  /** Parses and validates a set; returns its policies and Cedar's warnings. Changes nothing. */
  validate(actor: UserRecord, rawFiles: unknown): { policies: PolicyInfo[]; warnings: string[] } {
    this.context.permit(actor, 'policy.read');
    return this.check(parsePolicyFiles(rawFiles));
  }

  /**
   * Applies a set as the next version. A set that only tightens (or the first set) becomes active
   * at once; one that weakens is stored inactive and waits for another security-admin.
   */
  async apply(actor: UserRecord, rawFiles: unknown): Promise<ApplyOutcome> {
    const { store, orgId, audit, clock } = this.context;
    this.context.permit(actor, 'policy.apply');
    const files = parsePolicyFiles(rawFiles);
    const { policies } = this.check(files);
    const active = await store.policies.active(orgId);
    const digest = digestOf(files);
    if (active?.digest === digest) return { status: 'unchanged', version: active.version };
    const diff = diffPolicySets(active === undefined ? [] : this.parsed(active), policies);
    const record = {
      orgId,
      digest,
      policies: files,
      createdBy: actor.id,
      createdAt: clock.now().toISOString(),
    };
    if (active === undefined || diff.weakening.length === 0) {
      await audit.append({
        type: 'policy-activated',
        actor: { user: actor.id },
        details: { digest, previousVersion: active?.version ?? null, changes: summary(diff) },
      });
      const stored = await store.policies.activate(record);
      await this.context.runtime.reload();
      return { status: 'applied', version: stored.version, diff };
    }
    const proposed = await store.policyGovernance.propose(record);
    const approval = await this.context.approvals.request({
      orgId,
      runId: policyRunMarker(proposed.version),
      stepIndex: proposed.version,
      tool: POLICY_APPLY_TOOL,
      args: {
        version: proposed.version,
        digest,
        baseVersion: active.version,
        weakening: summary(diff, true),
      },
      requestedBy: actor.id,
      approverRole: POLICY_APPROVER_ROLE,
      quorum: 1,
      reason: `policy v${proposed.version} weakens v${active.version}: ${diff.weakening
        .map((change) => `${change.id} (${change.why})`)
        .join('; ')}`,
      expiresInSeconds: this.context.approvalExpirySeconds,
    });
    await audit.append({
      type: 'policy-change-requested',
      actor: { user: actor.id },
      tool: POLICY_APPLY_TOOL,
      details: {
        approvalId: approval.id,
        version: proposed.version,
        digest,
        baseVersion: active.version,
        weakening: summary(diff, true),
      },
    });
    return {
      status: 'awaiting-approval',
      version: proposed.version,
      approvalId: approval.id,
      diff,
    };
  }

  /**
   * A second security-admin's decision on a weakening change (never the proposer's: the
   * approvals room refuses self-approval). Approved, the version becomes active if the active
   * set is still the one the change was measured against.
   */
  async decideChange(
    actor: UserRecord,
    approvalId: string,
    raw: unknown,
  ): Promise<{
    approval: ApprovalRecord;
    decisions: ApprovalDecisionRecord[];
    applied: number | null;
  }> {
    const { store, orgId, audit, approvals } = this.context;
    this.context.permit(actor, 'policy.apply');
    const input = parseInput(decisionSchema, raw, 'decision');
    const { approval: request } = await approvals.get(orgId, approvalId);
    if (!isPolicyApproval(request)) {
      throw new ApiError(
        'bad-input',
        `${approvalId} is not a policy change; decide it with approvals decide`,
      );
    }
    const version = Number(request.args.version);
    const baseVersion = Number(request.args.baseVersion);
    if (input.decision === 'approve') {
      const active = await store.policies.active(orgId);
      if (active?.version !== baseVersion) {
        throw new ApiError(
          'conflict',
          `the active policy set is v${active?.version ?? 'none'}, not v${baseVersion} that this change was measured against; apply it again`,
        );
      }
    }
    const outcome = await approvals.decide(
      orgId,
      approvalId,
      actor,
      input.decision,
      input.reason ?? null,
    );
    await audit.append({
      type: decisionEventType(outcome.status),
      actor: { user: actor.id },
      tool: POLICY_APPLY_TOOL,
      approver: actor.id,
      details: { approvalId, version, decision: input.decision, reason: input.reason ?? null },
    });
    let applied: number | null = null;
    if (outcome.status === 'approved') {
      await audit.append({
        type: 'policy-activated',
        actor: { user: request.requestedBy },
        approver: actor.id,
        details: { version, previousVersion: baseVersion, approvalId, digest: request.args.digest },
      });
      const activated = await store.policyGovernance.activateVersion(orgId, version, baseVersion);
      if (activated === undefined) {
        throw new ApiError(
          'conflict',
          `policy v${version} could not be activated: the active set changed meanwhile`,
        );
      }
      applied = version;
      await this.context.runtime.reload();
    }
    const view = await approvals.get(orgId, approvalId);
    return { ...view, applied };
  }

  /** Every version, newest last, with which one is active and which is in shadow. */
  async list(actor: UserRecord): Promise<PolicyVersionView[]> {
    this.context.permit(actor, 'policy.read');
    const shadow = await this.context.store.policyGovernance.shadow(this.context.orgId);
    const records = await this.context.store.policies.list(this.context.orgId);
    return records.map((record) => this.view(record, shadow?.version));
  }

  /** One version with its files. */
  async show(
    actor: UserRecord,
    rawVersion: unknown,
  ): Promise<PolicyVersionView & { texts: Record<string, string> }> {
    this.context.permit(actor, 'policy.read');
    const record = await this.record(parseVersion(rawVersion));
    const shadow = await this.context.store.policyGovernance.shadow(this.context.orgId);
    return { ...this.view(record, shadow?.version), texts: record.policies };
  }

  /** The changes from one version to another, and which of them weaken. */
  async diff(
    actor: UserRecord,
    rawFrom: unknown,
    rawTo: unknown,
  ): Promise<PolicyDiff & { from: number; to: number }> {
    this.context.permit(actor, 'policy.read');
    const from = await this.record(parseVersion(rawFrom));
    const to = await this.record(parseVersion(rawTo));
    return {
      from: from.version,
      to: to.version,
      ...diffPolicySets(this.parsed(from), this.parsed(to)),
    };
  }

  /**
   * Runs a candidate set beside the enforced one: every decision is also made under it and
   * recorded, never enforced. `null` ends shadow mode.
   */
  async setShadow(
    actor: UserRecord,
    rawFiles: unknown | null,
  ): Promise<{ version: number | null }> {
    const { store, orgId, audit, clock } = this.context;
    this.context.permit(actor, 'policy.apply');
    const at = clock.now().toISOString();
    if (rawFiles === null) {
      await audit.append({
        type: 'policy-shadow-changed',
        actor: { user: actor.id },
        details: { version: null },
      });
      await store.policyGovernance.setShadow(orgId, null, actor.id, at);
      await this.context.runtime.reload();
      return { version: null };
    }
    const files = parsePolicyFiles(rawFiles);
    this.check(files);
    const stored = await store.policyGovernance.propose({
      orgId,
      digest: digestOf(files),
      policies: files,
      createdBy: actor.id,
      createdAt: at,
    });
    await audit.append({
      type: 'policy-shadow-changed',
      actor: { user: actor.id },
      details: { version: stored.version, digest: stored.digest },
    });
    await store.policyGovernance.setShadow(orgId, stored.version, actor.id, at);
    await this.context.runtime.reload();
    return { version: stored.version };
  }

  /** Where the shadow set decided differently from the enforced one, from the audit log. */
  async shadowReport(actor: UserRecord, rawSince?: unknown): Promise<DecisionComparison> {
    this.context.permit(actor, 'policy.read');
    const since = parseInput(sinceSchema, rawSince, 'since');
    return shadowDifferences(this.context.store, this.context.orgId, since);
  }

  /** Decides the recorded calls again under a candidate set and reports every changed decision. */
  async replay(
    actor: UserRecord,
    rawFiles: unknown,
    rawSince?: unknown,
  ): Promise<DecisionComparison> {
    this.context.permit(actor, 'policy.read');
    const files = parsePolicyFiles(rawFiles);
    const since = parseInput(sinceSchema, rawSince, 'since');
    const candidate = this.load(files, 0);
    return replayDecisions(this.context.store, this.context.orgId, candidate, since);
  }

  private check(files: Record<string, string>): { policies: PolicyInfo[]; warnings: string[] } {
    try {
      return PolicyEngine.check(files, this.schema());
    } catch (error) {
      throw asApiError(error);
    }
  }

  private load(files: Record<string, string>, version: number): PolicyEngine {
    try {
      return PolicyEngine.load(files, version, { schema: this.schema() });
    } catch (error) {
      throw asApiError(error);
    }
  }

  private schema() {
    try {
      return this.context.runtime.schema();
    } catch (error) {
      throw new ApiError('conflict', describeError(error));
    }
  }

  private parsed(record: PolicySetRecord): PolicyInfo[] {
    try {
      return PolicyEngine.check(record.policies).policies;
    } catch {
      // A stored version that no longer parses compares as empty: everything in the new set
      // then counts as added, so a permit in it still needs a second person.
      return [];
    }
  }

  private async record(version: number): Promise<PolicySetRecord> {
    const record = await this.context.store.policies.get(this.context.orgId, version);
    if (record === undefined) throw new ApiError('not-found', `no policy set v${version}`);
    return record;
  }

  private view(record: PolicySetRecord, shadowVersion: number | undefined): PolicyVersionView {
    return {
      version: record.version,
      digest: record.digest,
      createdBy: record.createdBy,
      createdAt: record.createdAt,
      active: record.active,
      shadow: record.version === shadowVersion,
      files: Object.keys(record.policies).sort(),
      policies: this.parsed(record).map((policy) => ({
        id: policy.id,
        effect: policy.effect,
        file: policy.file,
        line: policy.line,
        ...(policy.approval === undefined
          ? {}
          : { approval: `${policy.approval.quorum} x ${policy.approval.role}` }),
      })),
    };
  }
}

function summary(diff: PolicyDiff, weakeningOnly = false) {
  return (weakeningOnly ? diff.weakening : diff.changes).map((change) => ({
    id: change.id,
    change: change.change,
    effect: change.effect,
    weakening: change.weakening,
    why: change.why,
  }));
}

function asApiError(error: unknown): unknown {
  if (error instanceof PolicyError && error.code !== 'engine-unavailable') {
    return new ApiError('bad-input', error.message);
  }
  return error;
}
