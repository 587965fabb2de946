import { z } from 'zod';
import type { Playbook } from '../../packs/index.js';
import type { Planner, PlannerContext, PlannerTurn } from '../planner.js';
import { isPresent, lookup, resolveReferences, type ReferenceScope } from './references.js';

const stateSchema = z.object({
  kind: z.literal('playbook'),
  pack: z.string(),
  playbook: z.string(),
  position: z.number().int().min(0),
  /** Playbook step id → index of the run step that carried it out. */
  stepIndexes: z.record(z.string(), z.number().int().min(0)),
});

/** The initial durable state of a playbook run. */
export function playbookState(pack: string, playbook: string) {
  return {
    kind: 'playbook' as const,
    pack,
    playbook,
    position: 0,
    stepIndexes: {} as Record<string, number>,
  };
}

/**
 * Runs a pack's playbook: deterministic steps whose arguments refer to the run's input and to
 * earlier results. Steps whose `when` reference resolves to nothing are skipped.
 */
export class PlaybookPlanner implements Planner {
  readonly kind = 'playbook';

  async next(context: PlannerContext): Promise<PlannerTurn> {
    const parsed = stateSchema.safeParse(context.state);
    if (!parsed.success)
      return { kind: 'fail', reason: 'playbook planner state is corrupt', state: context.state };
    const state = parsed.data;
    const pack = context.packs.find((candidate) => candidate.manifest.name === state.pack);
    const playbook: Playbook | undefined = pack?.manifest.playbooks.find(
      (candidate) => candidate.name === state.playbook,
    );
    if (pack === undefined || playbook === undefined) {
      return {
        kind: 'fail',
        reason: `playbook ${state.pack}#${state.playbook} is not available to this agent`,
        state,
      };
    }
    const scope = this.scope(context, state.stepIndexes);
    let position = state.position;
    for (; position < playbook.steps.length; position += 1) {
      const step = playbook.steps[position];
      if (step === undefined) break;
      if (step.when !== undefined && !isPresent(lookup(scope, step.when.replace(/^\$\{|\}$/g, ''))))
        continue;
      const args = resolveReferences(step.args, scope) as Record<string, unknown>;
      const next = {
        ...state,
        position: position + 1,
        stepIndexes: { ...state.stepIndexes, [step.id]: context.steps.length },
      };
      return { kind: 'call', tool: `${pack.manifest.name}/${step.tool}`, args, state: next };
    }
    return {
      kind: 'finish',
      summary: `playbook ${playbook.name} finished`,
      state: { ...state, position },
    };
  }

  private scope(context: PlannerContext, stepIndexes: Record<string, number>): ReferenceScope {
    const steps: ReferenceScope['steps'] = {};
    for (const [id, index] of Object.entries(stepIndexes)) {
      const record = context.steps[index];
      if (record !== undefined) steps[id] = { output: record.result };
    }
    return { input: context.run.input, steps };
  }
}
