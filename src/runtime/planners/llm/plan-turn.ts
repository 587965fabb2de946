import type { AuditLog } from '../../../audit/index.js';
import { describeError, digestOf } from '../../../core/index.js';
import type { LoadedTool } from '../../../packs/index.js';
import type { PlannerContext } from '../../planner.js';
import type { ModelCaller } from './llm-planner.js';
import type { LlmState } from './llm-state.js';
import { recordModelCall } from './model-call-record.js';
import { toModelMessages } from './model-messages.js';
import { checkPlan, PLAN_TOOL, planToolDefinition } from './plan-mode.js';
import type { ResolvedModel } from './providers.js';
import { withUsage } from './run-limits.js';
import { systemPrompt } from './system-prompt.js';

/**
 * The planning turn of plan-then-execute: the model sees the system prompt and the user's
 * latest message only (no earlier result, so nothing untrusted), and must call submit_plan.
 * The plan is checked and recorded (`plan-recorded`, accepted or not) before anything runs.
 */
export async function planTurn(
  audit: AuditLog,
  context: PlannerContext,
  before: LlmState,
  resolved: ResolvedModel,
  tools: ReadonlyMap<string, LoadedTool>,
  callModel: ModelCaller,
): Promise<{ ok: true; state: LlmState } | { ok: false; state: LlmState; reason: string }> {
  const task = before.conversation.findLast((entry) => entry.role === 'user');
  const system = systemPrompt({
    agent: context.agent,
    packs: context.packs,
    nonce: before.nonce,
    phase: 'planning',
  });
  const messages = toModelMessages(task === undefined ? [] : [task]);
  const definitions = planToolDefinition([...tools.keys()]);
  let reply;
  try {
    reply = await callModel({
      system,
      messages,
      tools: definitions,
      toolChoice: { type: 'tool', toolName: PLAN_TOOL },
    });
  } catch (error) {
    return { ok: false, state: before, reason: describeError(error) };
  }
  const state = withUsage(before, resolved.profile.pricing, reply.usage);
  const submitted = reply.toolCalls.find((call) => call.name === PLAN_TOOL && !call.invalid);
  const checked =
    submitted === undefined
      ? { ok: false as const, reason: 'the model did not submit a well-formed plan' }
      : checkPlan(submitted.input, tools);
  const actor = { user: context.run.requestedBy, agent: context.run.agentId };
  try {
    await recordModelCall(audit, {
      run: context.run,
      stepIndex: context.steps.length,
      resolved,
      phase: 'planning',
      systemDigest: digestOf(system),
      promptDigest: digestOf({ system, messages, tools: [PLAN_TOOL] }),
      promptAdded: task === undefined ? [] : [task],
      reply,
      calls: [],
      costUsd: state.usage.costUsd - before.usage.costUsd,
      runUsage: state.usage,
    });
    await audit.append({
      type: 'plan-recorded',
      runId: context.run.id,
      stepIndex: context.steps.length,
      actor,
      details: checked.ok
        ? { accepted: true, digest: digestOf(checked.steps), steps: checked.steps }
        : { accepted: false, reason: checked.reason },
    });
  } catch (error) {
    return { ok: false, state, reason: `the plan could not be recorded: ${describeError(error)}` };
  }
  if (!checked.ok) return { ok: false, state, reason: `plan rejected: ${checked.reason}` };
  return {
    ok: true,
    state: {
      ...state,
      phase: 'acting',
      plan: { steps: checked.steps, digest: digestOf(checked.steps), cursor: 0 },
      recordedUpTo: state.conversation.length,
    },
  };
}
