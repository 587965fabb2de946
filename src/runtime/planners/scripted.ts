import { z } from 'zod';
import type { Planner, PlannerContext, PlannerTurn } from '../planner.js';

/** A scripted plan: a list of tool calls, for tests and red-team exercises. Untrusted input. */
export const scriptSchema = z
  .array(
    z
      .object({
        tool: z.string().min(1).max(300),
        args: z.record(z.string(), z.unknown()).default({}),
      })
      .strict(),
  )
  .min(1)
  .max(1000);

/** A parsed script. */
export type Script = z.infer<typeof scriptSchema>;

const stateSchema = z.object({
  kind: z.literal('scripted'),
  calls: scriptSchema,
  position: z.number().int().min(0),
});

/** The initial durable state of a scripted run. */
export function scriptedState(calls: Script): {
  kind: 'scripted';
  calls: Script;
  position: number;
} {
  return { kind: 'scripted', calls, position: 0 };
}

/** Proposes the script's calls in order, each still passing the whole gate. */
export class ScriptedPlanner implements Planner {
  readonly kind = 'scripted';

  async next(context: PlannerContext): Promise<PlannerTurn> {
    const parsed = stateSchema.safeParse(context.state);
    if (!parsed.success)
      return { kind: 'fail', reason: 'scripted planner state is corrupt', state: context.state };
    const { calls, position } = parsed.data;
    const call = calls[position];
    const state = { ...parsed.data, position: position + 1 };
    if (call === undefined)
      return { kind: 'finish', summary: `ran ${calls.length} scripted call(s)`, state };
    return { kind: 'call', tool: call.tool, args: call.args, state };
  }
}
