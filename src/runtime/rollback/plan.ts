import { jsonDiff, pickPaths, type JsonChange } from '../../core/index.js';
import type { PackCatalog } from '../../packs/index.js';
import type { AgentRecord, RunRecord, Store } from '../../store/index.js';
import { resolveReferences, type ReferenceScope } from '../planners/references.js';
import { toolById } from '../recovery.js';
import { successfulCalls } from './recorded-state.js';

/** One call that undoes one effect of the original run. */
export interface Compensation {
  /** The original step it undoes. */
  stepIndex: number;
  /** The original call's tool. */
  tool: string;
  kind: 'restore' | 'compensate';
  /** The undoing call, as it will pass the gate. */
  call: { tool: string; args: Record<string, unknown> };
  /** `Type:id` of the resource, so effects on one resource are undone in order. */
  resource: string;
  /** Which part of the observed state the tool changes (undefined: all of it). */
  fields: string[] | undefined;
  /** That part before the original call, and after it (what the undo expects to find). */
  pre: unknown;
  post: unknown;
}

/** An effect that cannot be undone, and why. */
export interface Irreversible {
  stepIndex: number;
  tool: string;
  why: string;
}

/** A conflict: the resource is not as the run left it, so undoing would overwrite someone. */
export interface Conflict {
  stepIndex: number;
  resource: string;
  expected: unknown;
  found: unknown;
  differences: JsonChange[];
}

/** What a rollback would do, in order (the reverse of the original run). */
export interface RollbackPlan {
  runId: string;
  compensations: Compensation[];
  irreversible: Irreversible[];
  /** Found when planning: a non-empty list means the rollback is refused. */
  conflicts: Conflict[];
}

/** Reads a resource's current state the way the gate records it. */
export type ResourceObserver = (
  run: RunRecord,
  agent: AgentRecord,
  tool: string,
  args: Record<string, unknown>,
) => Promise<unknown>;

function unobservable(state: unknown): string | undefined {
  const reason = (state as { unobservable?: unknown } | null)?.unobservable;
  return reason === undefined ? undefined : String(reason);
}

function resourceKey(
  tool: { resource: { type: string; id: string } },
  args: Record<string, unknown>,
): string {
  const id = tool.resource.id.replace(/\{([A-Za-z0-9_]+)\}/g, (_match, name: string) =>
    String(args[name] ?? ''),
  );
  return `${tool.resource.type}:${id}`;
}

/**
 * Computes the compensations for a run's effects, newest first: each successful write whose
 * tool declares `restore` or `compensate` gets the undoing call (its `${args|pre|post|output.*}`
 * references filled from the record); one that declares neither is irreversible. Then checks
 * each resource as it is now against what the run left: following the plan in order, each undo
 * must find its resource exactly as its step left it, else that is a conflict.
 */
export async function planRollback(
  dependencies: { store: Store; catalog: PackCatalog; observe: ResourceObserver },
  run: RunRecord,
  agent: AgentRecord,
): Promise<RollbackPlan> {
  const { store, catalog } = dependencies;
  const steps = await store.steps.listForRun(run.orgId, run.id);
  const recorded = await successfulCalls(store, run.orgId, run.id);
  const compensations: Compensation[] = [];
  const irreversible: Irreversible[] = [];
  for (const step of [...steps].reverse()) {
    const states = recorded.get(step.index);
    if (step.status !== 'succeeded' || states === undefined) continue;
    const tool = toolById(catalog, states.tool);
    if (tool === undefined) {
      irreversible.push({
        stepIndex: step.index,
        tool: states.tool,
        why: 'the tool is no longer loaded',
      });
      continue;
    }
    if (tool.effect !== 'write') continue;
    const undo = tool.restore ?? tool.compensate;
    if (undo === undefined) {
      irreversible.push({
        stepIndex: step.index,
        tool: states.tool,
        why: 'the tool declares no restore or compensation',
      });
      continue;
    }
    const missing = unobservable(states.pre) ?? unobservable(states.post);
    if (tool.restore !== undefined && missing !== undefined) {
      irreversible.push({
        stepIndex: step.index,
        tool: states.tool,
        why: `no state to restore: ${missing}`,
      });
      continue;
    }
    const scope = { args: step.args, pre: states.pre, post: states.post, output: step.result };
    const args = resolveReferences(undo.args, scope as unknown as ReferenceScope) as Record<
      string,
      unknown
    >;
    const pack = states.tool.slice(0, states.tool.lastIndexOf('/'));
    const fields = tool.observe?.fields;
    compensations.push({
      stepIndex: step.index,
      tool: states.tool,
      kind: tool.restore !== undefined ? 'restore' : 'compensate',
      call: { tool: `${pack}/${undo.tool}`, args },
      resource: resourceKey(tool, step.args),
      fields,
      pre: pickPaths(states.pre, fields),
      post: pickPaths(states.post, fields),
    });
  }
  return {
    runId: run.id,
    compensations,
    irreversible,
    conflicts: await findConflicts(dependencies, run, agent, compensations, steps),
  };
}

async function findConflicts(
  dependencies: { observe: ResourceObserver },
  run: RunRecord,
  agent: AgentRecord,
  compensations: Compensation[],
  steps: Array<{ index: number; args: Record<string, unknown> }>,
): Promise<Conflict[]> {
  // What each resource will hold when its next undo runs: now, then each undo's pre-state.
  const expectedNow = new Map<string, unknown>();
  const conflicts: Conflict[] = [];
  for (const compensation of compensations) {
    let current = expectedNow.get(compensation.resource);
    if (current === undefined) {
      const args = steps.find((step) => step.index === compensation.stepIndex)?.args ?? {};
      const observed = await dependencies.observe(run, agent, compensation.tool, args);
      current =
        unobservable(observed) === undefined ? pickPaths(observed, compensation.fields) : observed;
    }
    const differences = jsonDiff(compensation.post, current);
    if (differences.length > 0) {
      conflicts.push({
        stepIndex: compensation.stepIndex,
        resource: compensation.resource,
        expected: compensation.post,
        found: current,
        differences,
      });
    }
    expectedNow.set(
      compensation.resource,
      compensation.kind === 'restore' ? compensation.pre : current,
    );
  }
  return conflicts;
}
