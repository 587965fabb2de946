import type { AuditLog } from '../audit/index.js';
import type { Clock } from '../core/index.js';
import type { Gate } from '../gate/index.js';
import type { ControlPlaneAction } from '../identity/index.js';
import type { PackCatalog } from '../packs/index.js';
import {
  isAtRest,
  planRollback,
  rollbackState,
  type ResourceObserver,
  type RollbackPlan,
  type RunEngine,
} from '../runtime/index.js';
import type { RunRecord, Store, UserRecord } from '../store/index.js';
import { ApiError } from './errors.js';

/** What `castellan rollback` reports: the plan, and the rollback run when one was started. */
export interface RollbackView {
  plan: RollbackPlan;
  dryRun: boolean;
  /** The rollback run, when one was started (it waits for approval of its first step). */
  run?: RunRecord;
}

/** Everything run recovery needs, wired by the service. */
export interface RunRecoveryDependencies {
  store: Store;
  audit: AuditLog;
  engine: RunEngine;
  catalog: PackCatalog;
  orgId: string;
  clock: Clock;
  observe: ResourceObserver;
  permit(actor: UserRecord, action: ControlPlaneAction): void;
  resume(runId: string, mode: 'until-rest' | 'background'): Promise<RunRecord | undefined>;
}

/**
 * Picking runs up after a crash, and rolling a run's effects back. Both go through the run
 * engine and the gate like any run: nothing here calls a connector with an effect.
 */
export class RunRecovery {
  constructor(private readonly dependencies: RunRecoveryDependencies) {}

  /**
   * Drives every run a dead process left queued or running, until each rests (completed,
   * waiting, or stopped for attention). A server does this at start; `castellan runs resume`
   * on demand. Returns where each run stopped.
   */
  async resumeInterrupted(actor?: UserRecord): Promise<Array<{ runId: string; status: string }>> {
    if (actor !== undefined) this.dependencies.permit(actor, 'run.cancel');
    const { store, orgId, engine } = this.dependencies;
    const stranded = await store.runs.list(orgId, { status: ['queued', 'running'] });
    const report: Array<{ runId: string; status: string }> = [];
    for (const run of stranded.reverse()) {
      try {
        report.push({ runId: run.id, status: (await engine.drive(orgId, run.id)).status });
      } catch (error) {
        report.push({
          runId: run.id,
          status: (await engine.fail(orgId, run.id, error))?.status ?? run.status,
        });
      }
    }
    return report;
  }

  /**
   * Plans the rollback of a run that has come to rest and, unless `dryRun`, starts it as a new
   * run (planner `rollback`, linked by `of`) on the original's agent, acting for `actor`. Each
   * undo then waits for approval and passes the gate. A plan with conflicts is refused: someone
   * changed a resource since, and undoing would overwrite them.
   */
  async rollback(
    actor: UserRecord,
    runId: string,
    options: { dryRun: boolean },
  ): Promise<RollbackView> {
    this.dependencies.permit(actor, 'run.start');
    const { store, orgId, catalog, observe, engine, audit } = this.dependencies;
    const run = await store.runs.get(orgId, runId);
    if (run === undefined) throw new ApiError('not-found', `no run ${runId}`);
    if (!isAtRest(run.status) || run.status === 'awaiting_approval') {
      throw new ApiError(
        'bad-input',
        `run ${runId} is ${run.status}; roll back a run once it has stopped`,
      );
    }
    const agent = await store.agents.get(orgId, run.agentId);
    if (agent === undefined)
      throw new ApiError('not-found', `the agent ${run.agentId} of run ${runId} no longer exists`);
    const plan = await planRollback({ store, catalog, observe }, run, agent);
    if (options.dryRun) return { plan, dryRun: true };
    await audit.append({
      type: 'rollback-planned',
      runId,
      actor: { user: actor.id, agent: agent.id },
      details: {
        compensations: plan.compensations.map((each) => ({
          stepIndex: each.stepIndex,
          tool: each.call.tool,
          resource: each.resource,
        })),
        irreversible: plan.irreversible,
        conflicts: plan.conflicts,
      },
    });
    if (plan.conflicts.length > 0) {
      const first = plan.conflicts[0];
      throw new ApiError(
        'conflict',
        `refusing to roll back run ${runId}: ${plan.conflicts.length} resource(s) changed since it ran (first: ${first?.resource}, step ${first?.stepIndex}); nothing was changed`,
        { conflicts: plan.conflicts },
      );
    }
    if (plan.compensations.length === 0) {
      throw new ApiError('bad-input', `run ${runId} has no effect that can be undone`, {
        irreversible: plan.irreversible,
      });
    }
    const rollback = await engine.create({
      orgId,
      agent,
      user: actor,
      prompt: `roll back run ${runId}`,
      input: { rollbackOf: runId },
      planner: rollbackState(plan),
    });
    const rested = await this.dependencies.resume(rollback.id, 'until-rest');
    return { plan, dryRun: false, run: rested ?? rollback };
  }
}

/**
 * Reads a resource's current state through the gate's own resolution and connectors, acting for
 * the run's requester on the run's agent: a read, with no token and no effect.
 */
export function resourceObserver(store: Store, gate: Gate): ResourceObserver {
  return async (run, agent, tool, args) => {
    const user = await store.users.get(run.orgId, run.requestedBy);
    if (user === undefined)
      return { unobservable: `the requester ${run.requestedBy} no longer exists` };
    return gate.observe({
      orgId: run.orgId,
      run: { id: run.id, requestedBy: run.requestedBy, agentId: run.agentId, tainted: run.tainted },
      agent,
      user,
      stepIndex: 0,
      tool,
      args,
      token: '',
    });
  };
}
