import { z } from 'zod';
import { jsonDiff, pickPaths } from '../../core/index.js';
import type { Planner, PlannerContext, PlannerState, PlannerTurn } from '../planner.js';
import type { Compensation, Irreversible, ResourceObserver, RollbackPlan } from './plan.js';

const compensationSchema = z.object({
  stepIndex: z.number().int().min(0),
  tool: z.string(),
  kind: z.enum(['restore', 'compensate']),
  call: z.object({ tool: z.string(), args: z.record(z.string(), z.unknown()) }),
  resource: z.string(),
  fields: z.array(z.string()).optional(),
  pre: z.unknown(),
  post: z.unknown(),
});

const stateSchema = z.object({
  kind: z.literal('rollback'),
  of: z.string().min(1),
  compensations: z.array(compensationSchema),
  irreversible: z.array(z.object({ stepIndex: z.number(), tool: z.string(), why: z.string() })),
});

/** The durable state of a rollback run: the plan, fixed when the rollback was requested. */
export interface RollbackState {
  [key: string]: unknown;
  kind: 'rollback';
  /** The run being rolled back. */
  of: string;
  compensations: Compensation[];
  irreversible: Irreversible[];
}

/** The initial state of a rollback run for a plan (without its conflicts: it has none). */
export function rollbackState(plan: RollbackPlan): RollbackState {
  return {
    kind: 'rollback',
    of: plan.runId,
    compensations: plan.compensations.map((compensation) => ({
      ...compensation,
      ...(compensation.fields === undefined ? {} : { fields: compensation.fields }),
    })),
    irreversible: plan.irreversible,
  };
}

function parse(state: PlannerState): RollbackState | undefined {
  const parsed = stateSchema.safeParse(state);
  if (!parsed.success) return undefined;
  return {
    ...parsed.data,
    compensations: parsed.data.compensations.map((each) => ({ ...each, fields: each.fields })),
  };
}

/**
 * Proposes a rollback's compensations in order, each passing the whole gate (which asks a person
 * for each, and refuses one whose resource is not as the undone step left it). Before each next
 * step and at the end, it checks the last restore brought its resource back to the pre-state.
 */
export class RollbackPlanner implements Planner {
  readonly kind = 'rollback';

  constructor(private readonly observe: ResourceObserver) {}

  async next(context: PlannerContext): Promise<PlannerTurn> {
    const state = parse(context.state);
    if (state === undefined) {
      return { kind: 'fail', reason: 'rollback planner state is corrupt', state: context.state };
    }
    const done = context.steps.length;
    const previous = state.compensations[done - 1];
    if (previous !== undefined && previous.kind === 'restore') {
      const step = context.steps[done - 1];
      const observed = await this.observe(
        context.run,
        context.agent,
        previous.call.tool,
        previous.call.args,
      );
      const differences = jsonDiff(previous.pre, pickPaths(observed, previous.fields));
      if (step?.status !== 'succeeded' || differences.length > 0) {
        return {
          kind: 'fail',
          reason: `${previous.resource} is not back to its state before step ${previous.stepIndex} of run ${state.of}: ${JSON.stringify(differences.slice(0, 5))}`,
          state: context.state,
        };
      }
    }
    const next = state.compensations[done];
    if (next === undefined) {
      const left =
        state.irreversible.length === 0
          ? ''
          : `; left as they are (no way to undo): ${state.irreversible.map((each) => `step ${each.stepIndex} ${each.tool}`).join(', ')}`;
      return {
        kind: 'finish',
        summary: `rolled back run ${state.of}: ${state.compensations.length} effect(s) undone, each resource checked${left}`,
        state: context.state,
      };
    }
    return { kind: 'call', tool: next.call.tool, args: next.call.args, state: context.state };
  }

  /** The undo of step k runs only on a resource still exactly as the undone step left it. */
  expectState(state: PlannerState, stepIndex: number) {
    const compensation = parse(state)?.compensations[stepIndex];
    if (compensation === undefined) return undefined;
    return {
      fields: compensation.fields,
      value: compensation.post,
      why: `${compensation.resource} must still be as step ${compensation.stepIndex} of run ${String(state.of)} left it`,
    };
  }
}
