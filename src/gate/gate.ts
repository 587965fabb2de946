import { chargeEgress, DEFAULT_GUARD_SETTINGS, redactSecrets } from '../guard/index.js';
import { AuditError, type AuditEvent } from '../audit/index.js';
import { describeError, newId } from '../core/index.js';
import type { CallContext, StageVerdict } from './context.js';
import { trace } from './context.js';
import { elevationOutcome } from './elevation-outcome.js';
import { observeResource } from './observe-resource.js';
import { watchInFlight } from './in-flight.js';
import { approvalRequestFacts } from './stages/approval-request.js';
import { approveStage, type ApprovalRule } from './stages/approve.js';
import { authorizeStage } from './stages/authorize.js';
import { dataStage } from './stages/data.js';
import { stateConflict } from './stages/expect-state.js';
import { connectorCall, execute, observe, type Execution } from './stages/execute.js';
import { policyStage } from './stages/policy.js';
import { resolveStage } from './stages/resolve.js';
import type { GateDependencies, GateOutcome, GateStage, ToolCallRequest } from './types.js';

/**
 * The gate: every effect an agent has passes here, in order: resolve, authorize, policy, data,
 * approve, execute, record. Any stage that fails, throws or cannot be audited ends in a denial
 * with a reason; nothing runs unless its intent is in the audit log first.
 */
export class Gate {
  constructor(private readonly dependencies: GateDependencies) {}

  /** Decides one proposed call and, if allowed, carries it out and records the outcome. */
  async handle(request: ToolCallRequest): Promise<GateOutcome> {
    const context: CallContext = { request, stages: [] };
    try {
      return await this.pipeline(context);
    } catch (error) {
      // A bug or an unexpected failure inside a control: deny, and try to say so in the log.
      return this.denied(context, 'record', {
        ok: false,
        code: 'gate-error',
        reason: describeError(error),
      });
    }
  }

  /** The current state of the resource a call names, without any effect (see observe-resource.ts). */
  async observe(request: ToolCallRequest): Promise<unknown> {
    return observeResource(this.dependencies, request);
  }

  private async pipeline(context: CallContext): Promise<GateOutcome> {
    const synchronous: Array<[GateStage, () => StageVerdict | Promise<StageVerdict>]> = [
      ['resolve', () => resolveStage(this.dependencies, context)],
      ['authorize', () => authorizeStage(this.dependencies, context)],
      ['policy', () => policyStage(this.dependencies, context)],
      ['data', () => dataStage(this.dependencies, context)],
    ];
    for (const [stage, run] of synchronous) {
      const verdict = await run();
      trace(context, stage, verdict);
      if (context.elevation !== undefined) return elevationOutcome(this.dependencies, context);
      if (!verdict.ok) return this.denied(context, stage, verdict);
    }
    const approval = await approveStage(this.dependencies, context);
    if (approval.ok === 'pending')
      return this.requestApproval(context, approval.rule, approval.approvalId);
    trace(context, 'approve', approval);
    if (!approval.ok) return this.denied(context, 'approve', approval);
    return this.run(context);
  }

  private async run(context: CallContext): Promise<GateOutcome> {
    const resolved = context.resolved;
    const prepared = connectorCall(this.dependencies, context);
    if (resolved === undefined || prepared === undefined) {
      const verdict: StageVerdict = {
        ok: false,
        code: 'no-connector',
        reason: `no connector serves ${context.request.tool}`,
      };
      trace(context, 'execute', verdict);
      return this.denied(context, 'execute', verdict);
    }
    const refusal = await this.chargeEgress(context);
    if (refusal !== undefined) return this.denied(context, 'data', refusal);
    const preState = await observe(prepared.connector, prepared.call);
    const conflict = stateConflict(context.request, preState);
    if (conflict !== undefined) {
      trace(context, 'execute', conflict);
      return this.denied(context, 'execute', conflict);
    }
    // Rule 4: the intent is committed before the action runs; if it cannot be, nothing runs.
    try {
      await this.audit(context, 'tool-call-allowed', {
        payloads: { preState: { class: 'state', value: preState } },
      });
    } catch (error) {
      return this.denied(context, 'record', {
        ok: false,
        code: 'audit-unavailable',
        reason: describeError(error),
      });
    }
    // Revocation reaches calls in flight: the watcher aborts the connector's signal.
    const inFlight = watchInFlight(this.dependencies, context, prepared.call);
    let execution: Execution;
    try {
      execution = await execute(
        this.dependencies,
        context,
        prepared.connector,
        prepared.call,
        resolved.tool.manifest.untrustedOutput,
      );
    } finally {
      inFlight.release();
    }
    // A call the watcher stopped is a refusal, unless it finished anyway: then its effect
    // happened, and the outcome says so truthfully.
    const stoppedBy = inFlight.stoppedBy();
    if (stoppedBy !== undefined && !(execution.kind === 'ran' && execution.ok)) {
      execution = {
        kind: 'refused',
        code: 'revoked-in-flight',
        reason: `stopped in flight: ${describeError(stoppedBy)}`,
      };
    }
    if (execution.kind === 'refused') {
      const verdict: StageVerdict = { ok: false, code: execution.code, reason: execution.reason };
      trace(context, 'execute', verdict);
      return this.denied(context, 'execute', verdict);
    }
    const postState = await observe(prepared.connector, prepared.call);
    await this.audit(context, execution.ok ? 'tool-call-succeeded' : 'tool-call-failed', {
      resultDigest: execution.resultDigest,
      details: {
        ...execution.details,
        ...(execution.error === undefined ? {} : { error: execution.error }),
        taints: execution.taints,
      },
      // States are content-addressed blobs the entry binds by digest: prunable past retention
      // without touching the entry, and stored once however often the same state recurs.
      payloads: {
        preState: { class: 'state', value: preState },
        postState: { class: 'state', value: postState },
      },
    });
    return {
      outcome: 'executed',
      toolId: resolved.tool.id,
      ok: execution.ok,
      output: execution.output,
      ...(execution.error === undefined ? {} : { error: execution.error }),
      taints: execution.taints,
      resultDigest: execution.resultDigest,
    };
  }

  /**
   * Charges what the call sends against the run's and the destination's egress budgets, in the
   * store, just before it runs: the data stage's check read the counters; this charge is the
   * atomic one, so two processes driving calls at once cannot both pass a limit.
   */
  private async chargeEgress(context: CallContext): Promise<StageVerdict | undefined> {
    const { release, outbound } = context;
    if (release === undefined || outbound === undefined) {
      return { ok: false, code: 'not-checked', reason: 'the data stage released nothing to send' };
    }
    let charge;
    try {
      charge = await chargeEgress(
        this.dependencies.store,
        {
          orgId: context.request.orgId,
          runId: context.request.run.id,
          destination: outbound.call.destinationKey,
          amount: { bytes: release.bytes, records: release.records },
          at: this.dependencies.clock.now().toISOString(),
        },
        (this.dependencies.guard ?? DEFAULT_GUARD_SETTINGS).budgets,
      );
    } catch (error) {
      return { ok: false, code: 'guard-unavailable', reason: describeError(error) };
    }
    if (charge.ok) return undefined;
    return {
      ok: false,
      code: 'egress-budget',
      reason: `this call would pass the run's egress budget: ${charge.exceeded.join(', ')}`,
      policyIds: charge.exceeded.map((name) => `egress-budget:${name}`),
    };
  }

  private async requestApproval(
    context: CallContext,
    rule: ApprovalRule,
    existing: string | undefined,
  ): Promise<GateOutcome> {
    const resolved = context.resolved;
    if (resolved === undefined) throw new Error('approval requested before resolve');
    const base = {
      toolId: resolved.tool.id,
      approverRole: rule.approverRole,
      quorum: rule.quorum,
      reasons: rule.reasons,
      policyIds: rule.policyIds,
    };
    if (existing !== undefined) return { outcome: 'needs-approval', approvalId: existing, ...base };
    const approvalId = newId('apr');
    context.stages.push({
      stage: 'approve',
      ok: true,
      detail: { required: true, approvalId, ...rule },
    });
    try {
      const facts = await approvalRequestFacts(this.dependencies, context, rule);
      await this.audit(context, 'approval-requested', {
        details: {
          approvalId,
          approverRole: rule.approverRole,
          quorum: rule.quorum,
          forbiddenApprovers: facts.forbiddenApprovers,
          change: facts.details.change ?? null,
        },
      });
      const { request } = context;
      await this.dependencies.approvals.request({
        id: approvalId,
        orgId: request.orgId,
        runId: request.run.id,
        stepIndex: request.stepIndex,
        tool: resolved.tool.id,
        args: resolved.args,
        requestedBy: request.run.requestedBy,
        approverRole: rule.approverRole,
        quorum: rule.quorum,
        reason: rule.reasons.join('; '),
        expiresInSeconds: this.dependencies.approvalExpirySeconds,
        details: facts.details,
        forbiddenApprovers: facts.forbiddenApprovers,
        notify: this.dependencies.notifyChannels ?? [],
      });
    } catch (error) {
      return this.denied(context, 'approve', {
        ok: false,
        code: 'approval-unavailable',
        reason: describeError(error),
      });
    }
    return { outcome: 'needs-approval', approvalId, ...base };
  }

  private async denied(
    context: CallContext,
    stage: GateStage,
    verdict: StageVerdict,
  ): Promise<GateOutcome> {
    const code = verdict.ok ? 'denied' : verdict.code;
    const reason = verdict.ok ? 'denied' : verdict.reason;
    const policyIds = (verdict.ok ? undefined : verdict.policyIds) ?? [];
    try {
      await this.audit(
        context,
        'tool-call-denied',
        { details: { stage, code } },
        { reason, policyIds },
      );
    } catch (error) {
      // The denial stands even when it cannot be recorded; the reason says both.
      if (!(error instanceof AuditError)) throw error;
      return {
        outcome: 'denied',
        toolId: context.resolved?.tool.id,
        stage,
        code,
        reason: `${reason} (and the audit log is unwritable: ${error.message})`,
        policyIds,
      };
    }
    return { outcome: 'denied', toolId: context.resolved?.tool.id, stage, code, reason, policyIds };
  }

  private async audit(
    context: CallContext,
    type: AuditEvent['type'],
    extra: Pick<AuditEvent, 'details' | 'resultDigest' | 'payloads'>,
    denial?: { reason: string; policyIds: string[] },
  ): Promise<void> {
    const { request, resolved, policy } = context;
    const effect =
      denial !== undefined ? 'deny' : type === 'approval-requested' ? 'needs-approval' : 'allow';
    const event: AuditEvent = {
      type,
      runId: request.run.id,
      stepIndex: request.stepIndex,
      actor: { user: request.run.requestedBy, agent: request.agent.id },
      tool: resolved?.tool.id ?? String(request.tool).slice(0, 300),
      args: redactSecrets(resolved?.args ?? { unvalidated: true }).value,
      decision: {
        effect,
        policyIds: denial?.policyIds.length ? denial.policyIds : (policy?.policyIds ?? []),
        reasons: denial !== undefined ? [denial.reason] : [],
        // The decision's stage trace is recorded once, with the intent or the denial; outcome
        // entries follow the intent in the chain and need not repeat it.
        ...(type === 'tool-call-succeeded' || type === 'tool-call-failed'
          ? {}
          : { stages: context.stages }),
        ...(policy === undefined ? {} : { policyVersion: policy.policyVersion }),
      },
      ...extra,
    };
    if (resolved !== undefined) {
      event.pack = {
        name: resolved.pack.manifest.name,
        version: resolved.pack.manifest.version,
        digest: resolved.pack.digest,
      };
    }
    if (context.approvers !== undefined && context.approvers.length > 0)
      event.approver = context.approvers.join(',');
    if (request.model !== undefined) event.model = request.model;
    if (request.run.promptDigest !== undefined) event.promptDigest = request.run.promptDigest;
    await this.dependencies.audit.append(event);
  }
}
