import { z } from 'zod';
import type { Planner, PlannerContext, PlannerTurn } from '../planner.js';

/** Where a direct call came from (e.g. an MCP client), recorded with the run. */
const stateSchema = z
  .object({
    kind: z.literal('direct'),
    origin: z.string().max(100),
    tool: z.string().min(1).max(300),
    args: z.record(z.string(), z.unknown()),
    done: z.boolean(),
  })
  .strict();

/** The initial state of a run that makes exactly one call a client asked for. */
export function directState(
  origin: string,
  tool: string,
  args: Record<string, unknown>,
): z.infer<typeof stateSchema> {
  return { kind: 'direct', origin, tool, args, done: false };
}

/**
 * Proposes the one call a client (an MCP client, an IDE assistant, another agent) asked for,
 * then finishes. It exists so that such a call is a run like any other: a capability token for
 * the caller and the agent, the whole gate, approvals that pause it, and the audit trail.
 */
export class DirectPlanner implements Planner {
  readonly kind = 'direct';

  async next(context: PlannerContext): Promise<PlannerTurn> {
    const parsed = stateSchema.safeParse(context.state);
    if (!parsed.success)
      return { kind: 'fail', reason: 'direct planner state is corrupt', state: context.state };
    const state = parsed.data;
    if (state.done)
      return { kind: 'finish', summary: `${state.origin} call of ${state.tool} finished`, state };
    return { kind: 'call', tool: state.tool, args: state.args, state: { ...state, done: true } };
  }
}
