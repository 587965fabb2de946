import type { AuditLog } from '../audit/index.js';
import type { CastellanConfig } from '../config/index.js';
import { describeError, digestOf, newId, type Clock } from '../core/index.js';
import type { Gate, GateOutcome, ModelInfo, ToolCallRequest } from '../gate/index.js';
import { redactSecrets } from '../guard/index.js';
import type { LoadedPack, PackCatalog } from '../packs/index.js';
import type {
  AgentRecord,
  RunRecord,
  RunStatus,
  StepRecord,
  Store,
  UserRecord,
} from '../store/index.js';
import { TokenError, type InstanceKeys, type TokenExchange } from '../tokens/index.js';
import { RuntimeError } from './errors.js';
import type { Planner, PlannerState } from './planner.js';
import { canMove, isTerminal } from './run-state.js';
import { findInterruption, recoveryFor, toolById } from './recovery.js';
import { provenanceFor } from './provenance.js';
import { elevationState, waitsForElevation } from './elevation-wait.js';
import { isRevocation, RunTokens } from './run-tokens.js';

/** What the run engine needs, wired by the api room. */
export interface RunEngineDependencies {
  store: Store;
  gate: Gate;
  audit: AuditLog;
  catalog: PackCatalog;
  keys: InstanceKeys;
  tokens: CastellanConfig['tokens'];
  planners: Record<string, Planner>;
  maxSteps: number;
  clock: Clock;
  /** Run tokens by exchange (delegation, grants, revocation); absent, the agent's scopes as is. */
  exchange?: TokenExchange;
}

/** What starting a run takes. */
export interface NewRun {
  orgId: string;
  agent: AgentRecord;
  user: UserRecord;
  prompt: string;
  input: Record<string, unknown>;
  planner: PlannerState;
  /** Starts tainted: the planner's state already holds untrusted content (a chat's history). */
  tainted?: boolean;
}

/**
 * Runs as durable state machines: every step is persisted before the next begins, so any process
 * can pick a run up where another left it (after a restart, or after an approval decided
 * elsewhere). Optimistic versions keep two processes from driving one run at once.
 */
export class RunEngine {
  private readonly runTokens: RunTokens;

  constructor(private readonly dependencies: RunEngineDependencies) {
    this.runTokens = new RunTokens(dependencies);
  }

  /** Creates a queued run and records it. */
  async create(input: NewRun): Promise<RunRecord> {
    const { store, audit, clock } = this.dependencies;
    if (this.dependencies.planners[input.planner.kind] === undefined) {
      throw new RuntimeError('planner-unknown', `no planner of kind ${input.planner.kind}`);
    }
    const now = clock.now().toISOString();
    const run: RunRecord = {
      orgId: input.orgId,
      id: newId('run'),
      agentId: input.agent.id,
      requestedBy: input.user.id,
      prompt: input.prompt,
      status: 'queued',
      planner: input.planner,
      input: input.input,
      tainted: input.tainted === true,
      tokenJti: null,
      reason: null,
      stepCount: 0,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await audit.append({
      type: 'run-created',
      runId: run.id,
      actor: { user: run.requestedBy, agent: run.agentId },
      // The entry binds the prompt by digest; its text (and the input) are payloads that
      // retention may prune while the entry and every hash stay.
      promptDigest: digestOf(input.prompt),
      payloads: {
        prompt: { class: 'prompt', value: input.prompt },
        input: { class: 'input', value: redactSecrets(input.input).value },
      },
      details: {
        planner: input.planner.kind,
        ...(input.tainted === true ? { tainted: true } : {}),
      },
    });
    await store.runs.insert(run);
    return run;
  }

  /** Drives a run until it ends or waits for people; returns where it stopped. */
  async drive(orgId: string, runId: string): Promise<RunRecord> {
    for (let turns = 0; turns < this.dependencies.maxSteps * 2 + 4; turns += 1) {
      const run = await this.load(orgId, runId);
      // A run stopped for attention waits for a person, like a finished one.
      if (isTerminal(run.status) || run.status === 'needs_attention') return run;
      const next = await this.turn(run);
      if (next === 'rest') return this.load(orgId, runId);
    }
    return this.finish(
      await this.load(orgId, runId),
      'failed',
      'the run took more turns than its step limit allows',
    );
  }

  /** Fails a run that has not ended because driving it threw; best effort, never throws. */
  async fail(orgId: string, runId: string, error: unknown): Promise<RunRecord | undefined> {
    try {
      const run = await this.load(orgId, runId);
      if (isTerminal(run.status)) return run;
      return await this.finish(run, 'failed', `the run engine failed: ${describeError(error)}`);
    } catch {
      return undefined; // the store itself is down: the run stays where it was and resumes later
    }
  }

  /** Cancels a run that has not ended. */
  async cancel(orgId: string, runId: string, by: string, reason: string): Promise<RunRecord> {
    const run = await this.load(orgId, runId);
    if (isTerminal(run.status)) return run;
    return this.finish(run, 'cancelled', `cancelled by ${by}: ${reason}`);
  }

  /**
   * Halts a run that has not ended because its credentials were revoked (or the kill switch is
   * on): it ends `cancelled`, its reason starting with "halted:". Retries when another process
   * moved the run at the same moment, so a revocation never leaves a run hanging.
   */
  async halt(orgId: string, runId: string, reason: string): Promise<RunRecord> {
    for (let attempt = 0; ; attempt += 1) {
      const run = await this.load(orgId, runId);
      if (isTerminal(run.status)) return run;
      this.runTokens.forget(run.id);
      const moved = await this.move(run, 'cancelled', `halted: ${reason}`);
      if (moved !== undefined || attempt >= 20) return moved ?? this.load(orgId, runId);
    }
  }

  private async turn(run: RunRecord): Promise<'continue' | 'rest'> {
    const { store } = this.dependencies;
    const agent = await store.agents.get(run.orgId, run.agentId);
    const user = await store.users.get(run.orgId, run.requestedBy);
    if (agent === undefined || user === undefined || user.disabled) {
      await this.finish(
        run,
        'failed',
        "the run's agent or requesting user no longer exists or is disabled",
      );
      return 'rest';
    }
    const steps = await store.steps.listForRun(run.orgId, run.id);
    const last = steps.at(-1);
    if (last?.status === 'awaiting_approval' && waitsForElevation(last))
      return this.resumeElevation(run, agent, user, last);
    if (last?.status === 'awaiting_approval') return this.resumeApproval(run, agent, user, last);
    if (last?.status === 'proposed' || last?.status === 'executing')
      return this.recover(run, agent, user, last);
    const running = run.status === 'running' ? run : await this.move(run, 'running');
    if (running === undefined) return 'rest';
    if (steps.length >= this.dependencies.maxSteps) {
      await this.finish(
        running,
        'failed',
        `the run reached its limit of ${this.dependencies.maxSteps} steps`,
      );
      return 'rest';
    }
    return this.plan(running, agent, user, steps);
  }

  private async plan(
    run: RunRecord,
    agent: AgentRecord,
    user: UserRecord,
    steps: StepRecord[],
  ): Promise<'continue' | 'rest'> {
    const planner = this.dependencies.planners[run.planner.kind];
    if (planner === undefined) {
      await this.finish(run, 'failed', `no planner of kind ${run.planner.kind}`);
      return 'rest';
    }
    let turn;
    try {
      turn = await planner.next({
        run,
        agent,
        packs: this.packsOf(agent),
        steps,
        state: run.planner,
      });
    } catch (error) {
      await this.finish(run, 'failed', `planner failed: ${describeError(error)}`);
      return 'rest';
    }
    if (turn.kind === 'finish' || turn.kind === 'fail') {
      const updated = await this.update(run, { planner: turn.state });
      if (updated === undefined) return 'rest';
      await this.finish(
        updated,
        turn.kind === 'finish' ? 'completed' : 'failed',
        turn.kind === 'finish' ? turn.summary : turn.reason,
      );
      return 'rest';
    }
    const now = this.dependencies.clock.now().toISOString();
    const step: StepRecord = {
      orgId: run.orgId,
      runId: run.id,
      index: steps.length,
      tool: turn.tool,
      args: turn.args,
      status: 'proposed',
      decision: null,
      result: null,
      error: null,
      approvalId: null,
      model: turn.model ?? null,
      createdAt: now,
      updatedAt: now,
    };
    // The step and the planner's new state land together, so a crash cannot re-plan a step.
    const updated = await this.dependencies.store.transaction(async (store) => {
      const changed = await store.runs.update(run.orgId, run.id, run.version, {
        planner: turn.state,
        stepCount: steps.length + 1,
      });
      if (changed !== undefined) await store.steps.insert(step);
      return changed;
    });
    if (updated === undefined) return 'rest';
    return this.gateAndApply(updated, agent, user, step, undefined, turn.model);
  }

  private async gateAndApply(
    run: RunRecord,
    agent: AgentRecord,
    user: UserRecord,
    step: StepRecord,
    approvalId: string | undefined,
    model: ModelInfo | undefined,
  ): Promise<'continue' | 'rest'> {
    let token: string;
    try {
      token = await this.tokenFor(run, agent, user);
    } catch (error) {
      return this.refusedToken(run, agent, step, error);
    }
    const provenance = await provenanceFor(this.dependencies.store, run, step.index, step.args);
    const outcome = await this.dependencies.gate.handle({
      orgId: run.orgId,
      run: {
        id: run.id,
        requestedBy: run.requestedBy,
        agentId: run.agentId,
        tainted: run.tainted,
        promptDigest: digestOf(run.prompt),
        ...(run.planner.kind === 'rollback'
          ? { kind: 'rollback' as const, rollbackOf: String(run.planner.of) }
          : {}),
      },
      agent,
      user,
      stepIndex: step.index,
      tool: step.tool,
      args: step.args,
      token,
      ...(model === undefined ? {} : { model }),
      ...(approvalId === undefined ? {} : { approvalId }),
      ...expectationOf(this.dependencies.planners[run.planner.kind], run, step.index),
      ...(provenance === undefined
        ? {}
        : { provenance: provenance.args, dataSources: provenance.data }),
    });
    return this.apply(await this.load(run.orgId, run.id), step, outcome);
  }

  private async apply(
    run: RunRecord,
    step: StepRecord,
    outcome: GateOutcome,
  ): Promise<'continue' | 'rest'> {
    const { store } = this.dependencies;
    const now = this.dependencies.clock.now().toISOString();
    switch (outcome.outcome) {
      case 'executed': {
        await store.steps.update(run.orgId, run.id, step.index, {
          status: outcome.ok ? 'succeeded' : 'failed',
          result: outcome.output ?? null,
          error: outcome.error ?? null,
          decision: {
            effect: 'allow',
            resultDigest: outcome.resultDigest,
            tool: outcome.toolId,
            taints: outcome.taints,
          },
          updatedAt: now,
        });
        const tainted = run.tainted || outcome.taints;
        const updated = tainted === run.tainted ? run : await this.update(run, { tainted });
        if (updated === undefined) return 'rest';
        if (!outcome.ok) {
          await this.finish(
            updated,
            'failed',
            `${outcome.toolId} failed: ${outcome.error ?? 'no reason given'}`,
          );
          return 'rest';
        }
        return 'continue';
      }
      case 'denied': {
        await store.steps.update(run.orgId, run.id, step.index, {
          status: 'denied',
          args: redactSecrets(step.args).value,
          decision: {
            effect: 'deny',
            stage: outcome.stage,
            code: outcome.code,
            reason: outcome.reason,
            policyIds: outcome.policyIds,
          },
          updatedAt: now,
        });
        // Revoked credentials (or the kill switch) halt the run, as the revoking side does.
        if (isRevocation(outcome.code)) {
          await this.halt(
            run.orgId,
            run.id,
            `${outcome.toolId ?? step.tool} stopped: ${outcome.reason}`,
          );
          return 'rest';
        }
        await this.finish(
          run,
          'denied',
          `${outcome.toolId ?? step.tool} denied at ${outcome.stage}: ${outcome.reason}`,
        );
        return 'rest';
      }
      case 'needs-approval': {
        await store.steps.update(run.orgId, run.id, step.index, {
          status: 'awaiting_approval',
          approvalId: outcome.approvalId,
          decision: {
            effect: 'needs-approval',
            approverRole: outcome.approverRole,
            quorum: outcome.quorum,
            reasons: outcome.reasons,
            policyIds: outcome.policyIds,
          },
          updatedAt: now,
        });
        if (run.status !== 'awaiting_approval')
          await this.move(run, 'awaiting_approval', `waiting for approval ${outcome.approvalId}`);
        // A waiting run holds nothing in this process: its next token is minted on resume.
        this.runTokens.forget(run.id);
        return 'rest';
      }
      case 'needs-elevation': {
        await store.steps.update(run.orgId, run.id, step.index, {
          status: 'awaiting_approval',
          decision: {
            effect: 'needs-elevation',
            requestId: outcome.requestId,
            scope: outcome.scope,
            reasons: outcome.reasons,
          },
          updatedAt: now,
        });
        if (run.status !== 'awaiting_approval')
          await this.move(
            run,
            'awaiting_approval',
            `waiting for scope request ${outcome.requestId} (${outcome.scope})`,
          );
        return 'rest';
      }
    }
  }

  private async resumeElevation(
    run: RunRecord,
    agent: AgentRecord,
    user: UserRecord,
    step: StepRecord,
  ): Promise<'continue' | 'rest'> {
    const { store, clock } = this.dependencies;
    const state = await elevationState(store, run, step, clock);
    if (state.kind === 'wait') return 'rest';
    if (state.kind === 'end') {
      await store.steps.update(run.orgId, run.id, step.index, {
        status: 'denied',
        decision: {
          ...(step.decision ?? {}),
          effect: 'deny',
          stage: 'authorize',
          reason: state.reason,
        },
        updatedAt: clock.now().toISOString(),
      });
      await this.finish(run, 'denied', state.reason);
      return 'rest';
    }
    const running =
      run.status === 'running'
        ? run
        : await this.move(run, 'running', `scope request ${state.requestId} approved`);
    if (running === undefined) return 'rest';
    // The grant is in the store: the next call exchanges a token that carries it.
    this.runTokens.forget(run.id);
    return this.gateAndApply(
      running,
      agent,
      user,
      step,
      step.approvalId ?? undefined,
      step.model ?? undefined,
    );
  }

  // The exchange refused the run a token: it was revoked, its user disabled, or the kill switch
  // is on. The run is halted with the reason rather than failing as if the engine broke.
  private async refusedToken(
    run: RunRecord,
    agent: AgentRecord,
    step: StepRecord,
    error: unknown,
  ): Promise<'continue' | 'rest'> {
    if (!(error instanceof TokenError)) throw error;
    await this.dependencies.store.steps.update(run.orgId, run.id, step.index, {
      status: 'denied',
      decision: {
        effect: 'deny',
        stage: 'authorize',
        code: `token-${error.code}`,
        reason: error.message,
      },
      updatedAt: this.dependencies.clock.now().toISOString(),
    });
    await this.dependencies.audit.append({
      type: 'token-exchange-refused',
      runId: run.id,
      actor: { user: run.requestedBy, agent: agent.id },
      details: { code: error.code, reason: error.message },
    });
    await this.halt(run.orgId, run.id, `no capability token: ${error.message}`);
    return 'rest';
  }

  private async resumeApproval(
    run: RunRecord,
    agent: AgentRecord,
    user: UserRecord,
    step: StepRecord,
  ): Promise<'continue' | 'rest'> {
    const { store, clock } = this.dependencies;
    const approval =
      step.approvalId === null ? undefined : await store.approvals.get(run.orgId, step.approvalId);
    if (approval === undefined) {
      await this.finish(
        run,
        'failed',
        `step ${step.index} waits for an approval that does not exist`,
      );
      return 'rest';
    }
    let status = approval.status;
    if (status === 'pending' && clock.now().toISOString() >= approval.expiresAt) {
      await store.approvals.resolve(run.orgId, approval.id, 'expired', clock.now().toISOString());
      status = 'expired';
    }
    if (status === 'pending') return 'rest';
    const running =
      run.status === 'running'
        ? run
        : await this.move(run, 'running', `approval ${approval.id} ${status}`);
    if (running === undefined) return 'rest';
    // Approved or not, the call goes through the whole gate again: the gate enforces the decision.
    return this.gateAndApply(running, agent, user, step, approval.id, step.model ?? undefined);
  }

  private async recover(
    run: RunRecord,
    agent: AgentRecord,
    user: UserRecord,
    step: StepRecord,
  ): Promise<'continue' | 'rest'> {
    const { store, catalog, clock, audit } = this.dependencies;
    const interruption = await findInterruption(store, run, step.index);
    const tool =
      interruption.kind === 'nothing-ran' ? undefined : toolById(catalog, interruption.tool);
    const recovery = recoveryFor(interruption, tool, step);
    const actor = { user: run.requestedBy, agent: run.agentId };
    if (recovery.action === 'run' || recovery.action === 'retry') {
      const running = run.status === 'running' ? run : await this.move(run, 'running');
      if (running === undefined) return 'rest';
      if (recovery.action === 'retry') {
        await audit.append({
          type: 'tool-call-retried',
          runId: run.id,
          stepIndex: step.index,
          actor,
          tool: step.tool,
          details: { why: recovery.why, idempotencyKey: `${run.id}:${step.index}` },
        });
      }
      // A crash between creating an approval request and storing it on the step must not
      // leave the request orphaned and ask people twice: the step's own request is reused.
      const approvalId = step.approvalId ?? (await this.openApprovalOf(run, step.index));
      return this.gateAndApply(running, agent, user, step, approvalId, step.model ?? undefined);
    }
    const now = clock.now().toISOString();
    if (recovery.action === 'fail') {
      await store.steps.update(run.orgId, run.id, step.index, {
        status: 'failed',
        error: recovery.why,
        updatedAt: now,
      });
      await this.finish(run, 'failed', `step ${step.index}: ${recovery.why}`);
      return 'rest';
    }
    await store.steps.update(run.orgId, run.id, step.index, {
      status: 'interrupted',
      error: recovery.why,
      updatedAt: now,
    });
    await audit.append({
      type: 'run-needs-attention',
      runId: run.id,
      stepIndex: step.index,
      actor,
      tool: step.tool,
      details: recovery.facts,
    });
    const running = run.status === 'running' ? run : await this.move(run, 'running');
    if (running !== undefined) await this.move(running, 'needs_attention', recovery.why);
    return 'rest';
  }

  private async openApprovalOf(run: RunRecord, stepIndex: number): Promise<string | undefined> {
    const requests = await this.dependencies.store.approvals.list(run.orgId, { runId: run.id });
    return requests.findLast(
      (request) => request.stepIndex === stepIndex && request.status !== 'expired',
    )?.id;
  }

  private async tokenFor(run: RunRecord, agent: AgentRecord, user: UserRecord): Promise<string> {
    const issued = await this.runTokens.tokenFor(run, agent, user, this.packsOf(agent));
    if (issued.fresh)
      await this.update(await this.load(run.orgId, run.id), { tokenJti: issued.jti });
    return issued.token;
  }

  private packsOf(agent: AgentRecord): LoadedPack[] {
    return agent.packs.flatMap((name) => {
      const pack = this.dependencies.catalog.get(name);
      return pack === undefined ? [] : [pack];
    });
  }

  private async finish(run: RunRecord, status: RunStatus, reason: string): Promise<RunRecord> {
    this.runTokens.forget(run.id);
    return (await this.move(run, status, reason)) ?? this.load(run.orgId, run.id);
  }

  /** Moves a run to a new status, audited; undefined when another writer changed it first. */
  private async move(
    run: RunRecord,
    status: RunStatus,
    reason?: string,
  ): Promise<RunRecord | undefined> {
    if (!canMove(run.status, status)) return undefined;
    await this.dependencies.audit.append({
      type: 'run-status-changed',
      runId: run.id,
      actor: { user: run.requestedBy, agent: run.agentId },
      details: { from: run.status, to: status, ...(reason === undefined ? {} : { reason }) },
    });
    return this.update(run, { status, ...(reason === undefined ? {} : { reason }) });
  }

  private async update(run: RunRecord, change: Partial<RunRecord>): Promise<RunRecord | undefined> {
    const { orgId: _org, id: _id, version: _version, createdAt: _created, ...rest } = change;
    return this.dependencies.store.runs.update(run.orgId, run.id, run.version, {
      ...rest,
      updatedAt: this.dependencies.clock.now().toISOString(),
    });
  }

  private async load(orgId: string, runId: string): Promise<RunRecord> {
    const run = await this.dependencies.store.runs.get(orgId, runId);
    if (run === undefined) throw new RuntimeError('run-not-found', `no run ${runId}`);
    return run;
  }
}

/** The state a planner expects the resource in before this step runs, as a request field. */
function expectationOf(
  planner: Planner | undefined,
  run: RunRecord,
  stepIndex: number,
): { expectState?: NonNullable<ToolCallRequest['expectState']> } {
  const expected = planner?.expectState?.(run.planner, stepIndex);
  return expected === undefined ? {} : { expectState: expected };
}
