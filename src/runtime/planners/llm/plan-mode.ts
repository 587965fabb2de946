import { jsonSchema, tool, type ToolSet } from 'ai';
import { z } from 'zod';
import { canonicalJson } from '../../../core/index.js';
import type { LoadedTool } from '../../../packs/index.js';
import type { PlanStep } from './llm-state.js';

/**
 * Plan-then-execute. The model first proposes a plan from the user's task alone (no tool has
 * run, so no untrusted text can have shaped it); the plan is checked against the agent's tools;
 * then, while it is carried out, each proposed call must be the plan's next step (or a later
 * one) with every argument exactly as planned, except those the plan marked `fill`: only
 * those can take values from data the tools return.
 */

/** The one tool offered while planning. */
export const PLAN_TOOL = 'submit_plan';

const MAX_PLAN_STEPS = 30;

/** The planning tool, its `tool` field limited to the agent's tools. */
export function planToolDefinition(names: string[]): ToolSet {
  return {
    [PLAN_TOOL]: tool({
      description:
        'Submit the plan: the tool calls the task needs, in order. Nothing runs until the plan is accepted.',
      inputSchema: jsonSchema({
        type: 'object',
        properties: {
          steps: {
            type: 'array',
            maxItems: MAX_PLAN_STEPS,
            items: {
              type: 'object',
              properties: {
                tool: { type: 'string', enum: names },
                args: { type: 'object', description: 'arguments known now' },
                fill: {
                  type: 'array',
                  items: { type: 'string' },
                  description: 'names of arguments that earlier results will provide',
                },
              },
              required: ['tool', 'args', 'fill'],
            },
          },
        },
        required: ['steps'],
      }),
    }),
  };
}

// Attacker-influenced: the plan is model output, parsed strictly and bounded.
const submittedPlanSchema = z
  .object({
    steps: z
      .array(
        z
          .object({
            tool: z.string().min(1).max(300),
            args: z.record(z.string(), z.unknown()).default({}),
            fill: z.array(z.string().min(1).max(100)).max(32).default([]),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_PLAN_STEPS),
  })
  .strict();

/** Checks a submitted plan; steps name Castellan tool ids once accepted. */
export function checkPlan(
  submitted: unknown,
  tools: ReadonlyMap<string, LoadedTool>,
): { ok: true; steps: PlanStep[] } | { ok: false; reason: string } {
  const parsed = submittedPlanSchema.safeParse(submitted);
  if (!parsed.success)
    return {
      ok: false,
      reason: `the plan is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    };
  const steps: PlanStep[] = [];
  for (const [index, step] of parsed.data.steps.entries()) {
    const loaded =
      tools.get(step.tool) ?? [...tools.values()].find((candidate) => candidate.id === step.tool);
    if (loaded === undefined)
      return {
        ok: false,
        reason: `plan step ${index + 1} names ${step.tool}, which this agent does not have`,
      };
    const properties = Object.keys(
      (loaded.manifest.args.properties ?? {}) as Record<string, unknown>,
    );
    const unknown = [...Object.keys(step.args), ...step.fill].filter(
      (key) => !properties.includes(key),
    );
    if (unknown.length > 0)
      return {
        ok: false,
        reason: `plan step ${index + 1} (${loaded.id}) names unknown arguments: ${unknown.join(', ')}`,
      };
    const both = step.fill.filter((key) => key in step.args);
    if (both.length > 0)
      return {
        ok: false,
        reason: `plan step ${index + 1} both fixes and fills ${both.join(', ')}`,
      };
    if (step.fill.length === 0) {
      const valid = loaded.validateArgs(step.args);
      if (!valid.ok)
        return { ok: false, reason: `plan step ${index + 1} (${loaded.id}): ${valid.error}` };
    }
    steps.push({ tool: loaded.id, args: step.args, fill: step.fill });
  }
  return { ok: true, steps };
}

/**
 * Whether a proposed call conforms to the plan from `cursor` on: the first plan step at or after
 * the cursor with the same tool must match it argument by argument. Returns the matched index.
 */
export function conformsToPlan(
  steps: readonly PlanStep[],
  cursor: number,
  toolId: string,
  args: Record<string, unknown>,
): { ok: true; index: number } | { ok: false; reason: string } {
  const index = steps.findIndex((step, position) => position >= cursor && step.tool === toolId);
  const step = steps[index];
  if (index === -1 || step === undefined) {
    return { ok: false, reason: `${toolId} is not among the plan's remaining steps` };
  }
  for (const [key, planned] of Object.entries(step.args)) {
    if (!(key in args))
      return {
        ok: false,
        reason: `plan step ${index + 1}: argument ${key} was fixed by the plan but left out`,
      };
    if (canonicalJson(args[key]) !== canonicalJson(planned)) {
      return {
        ok: false,
        reason: `plan step ${index + 1}: argument ${key} differs from the plan (only ${step.fill.join(', ') || 'no arguments'} may be filled from data)`,
      };
    }
  }
  const extra = Object.keys(args).filter((key) => !(key in step.args) && !step.fill.includes(key));
  if (extra.length > 0)
    return {
      ok: false,
      reason: `plan step ${index + 1}: arguments ${extra.join(', ')} are not in the plan`,
    };
  return { ok: true, index };
}
