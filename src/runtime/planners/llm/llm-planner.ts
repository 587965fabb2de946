import type { AuditLog } from '../../../audit/index.js';
import { describeError, digestOf } from '../../../core/index.js';
import type { LoadedTool } from '../../../packs/index.js';
import type { Planner, PlannerContext, PlannerTurn } from '../../planner.js';
import type { RunActivityBus } from '../../run-activity.js';
import { conversationProvenance } from './conversation-provenance.js';
import { llmStateSchema, type LlmState, type ProposedCall } from './llm-state.js';
import { callModel, type ModelReply } from './model-call.js';
import { recordModelCall, recordModelFailure, type RecordedCall } from './model-call-record.js';
import { conversationBytes, toModelMessages } from './model-messages.js';
import { conformsToPlan } from './plan-mode.js';
import { planTurn } from './plan-turn.js';
import type { ModelResolver, ResolvedModel } from './providers.js';
import { modelCallLimit, toolCallLimit, withUsage } from './run-limits.js';
import { systemPrompt, taskMessage } from './system-prompt.js';
import { toolDefinitions } from './tool-definitions.js';
import { toolsByExternalName } from './tool-names.js';
import { refusedCallEntry, toolResultEntry } from './tool-result-message.js';

/** What the LLM planner needs, wired by the api room. */
export interface LlmPlannerDependencies {
  audit: AuditLog;
  resolveModel: ModelResolver;
  /** Where streamed model text is announced for live event streams; optional. */
  activity?: RunActivityBus;
  /** Waits between retries (tests replace it). */
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * A planner backed by a language model through the AI SDK. Each turn it adds the results of the
 * calls it proposed, asks the model (unless calls of an earlier reply are still queued), records
 * the call, and proposes one tool call, which the run engine takes through the gate. It never
 * executes anything. Tool results go back as delimited data in tool messages; arguments'
 * provenance is computed here from what the model was shown; limits stop runaway runs.
 */
export class LlmPlanner implements Planner {
  readonly kind = 'llm';

  constructor(private readonly dependencies: LlmPlannerDependencies) {}

  async next(context: PlannerContext): Promise<PlannerTurn> {
    const parsed = llmStateSchema.safeParse(context.state);
    if (!parsed.success)
      return { kind: 'fail', reason: 'llm planner state is corrupt', state: context.state };
    let state = parsed.data;
    let resolved: ResolvedModel;
    try {
      resolved = this.dependencies.resolveModel(state.profile);
    } catch (error) {
      return this.fail(state, `model profile ${state.profile}: ${describeError(error)}`);
    }
    const tools = toolsByExternalName(context.packs);
    if (!state.started) {
      state = {
        ...state,
        started: true,
        conversation: [
          ...state.conversation,
          { role: 'user', text: taskMessage(context.run.prompt, context.run.input) },
        ],
      };
    }
    state = collectResults(state, context, tools, resolved.profile.limits.maxResultChars);
    if (state.queue.length > 0) return this.propose(state, context, resolved);
    for (;;) {
      const limit = modelCallLimit(
        state,
        resolved.profile.limits,
        conversationBytes(state.conversation),
      );
      if (limit !== undefined) return this.fail(state, limit);
      if (state.phase === 'planning') {
        const planned = await planTurn(
          this.dependencies.audit,
          context,
          state,
          resolved,
          tools,
          this.modelCaller(context, resolved),
        );
        if (!planned.ok) return this.fail(planned.state, planned.reason);
        state = planned.state;
        continue;
      }
      const outcome = await this.act(context, state, resolved, tools);
      if (outcome.kind !== 'again') return outcome.turn;
      state = outcome.state;
    }
  }

  private async act(
    context: PlannerContext,
    before: LlmState,
    resolved: ResolvedModel,
    tools: ReadonlyMap<string, LoadedTool>,
  ): Promise<{ kind: 'turn'; turn: PlannerTurn } | { kind: 'again'; state: LlmState }> {
    const planned = new Set(before.plan?.steps.map((step) => step.tool));
    const offered = new Map(
      [...tools].filter(([, tool]) => before.plan === undefined || planned.has(tool.id)),
    );
    const system = systemPrompt({
      agent: context.agent,
      packs: context.packs,
      nonce: before.nonce,
      phase: 'acting',
      ...(before.plan === undefined ? {} : { plan: before.plan.steps }),
    });
    const definitions = toolDefinitions(offered);
    const messages = toModelMessages(before.conversation);
    let reply: ModelReply;
    try {
      reply = await this.modelCaller(context, resolved)({ system, messages, tools: definitions });
    } catch (error) {
      return { kind: 'turn', turn: this.fail(before, describeError(error)) };
    }
    let state = withUsage(before, resolved.profile.pricing, reply.usage);
    const model = {
      provider: resolved.profile.provider,
      id: resolved.profile.model,
      version: reply.responseModelId,
    };
    const accepted: ProposedCall[] = [];
    const recorded: RecordedCall[] = [];
    const refusals = [];
    for (const call of reply.toolCalls) {
      const loaded = offered.get(call.name);
      const input = isRecord(call.input) ? call.input : undefined;
      let refusal: string | undefined;
      if (loaded !== undefined && (call.invalid || input === undefined)) {
        refusal = `the arguments are not a JSON object (${call.error ?? 'unparsable'})`;
      } else if (loaded !== undefined && input !== undefined) {
        const valid = loaded.validateArgs(input);
        if (!valid.ok) refusal = `the arguments do not fit ${loaded.id}: ${valid.error}`;
      }
      if (refusal !== undefined) {
        refusals.push(
          refusedCallEntry({ id: call.id, name: call.name, nonce: state.nonce }, refusal),
        );
        recorded.push({ id: call.id, name: call.name, refused: refusal });
        continue;
      }
      // A tool the model invented goes to the gate as named: the gate denies it, on the record.
      const proposed = {
        id: call.id,
        name: call.name,
        tool: loaded?.id ?? call.name,
        args: input ?? {},
        model,
      };
      accepted.push(proposed);
      recorded.push({ ...proposed, provenance: conversationProvenance(proposed.args, state) });
    }
    const conversation = [
      ...state.conversation,
      {
        role: 'assistant' as const,
        text: reply.text,
        calls: reply.toolCalls.map((call) => ({
          id: call.id,
          name: call.name,
          args: call.input ?? {},
        })),
      },
    ];
    try {
      await recordModelCall(this.dependencies.audit, {
        run: context.run,
        stepIndex: context.steps.length,
        resolved,
        phase: 'acting',
        systemDigest: digestOf(system),
        promptDigest: digestOf({ system, messages, tools: Object.keys(definitions) }),
        promptAdded: state.conversation.slice(state.recordedUpTo),
        reply,
        calls: recorded,
        costUsd: state.usage.costUsd - before.usage.costUsd,
        runUsage: state.usage,
      });
    } catch (error) {
      return {
        kind: 'turn',
        turn: this.fail(state, `the model call could not be recorded: ${describeError(error)}`),
      };
    }
    state = {
      ...state,
      conversation: [...conversation, ...refusals],
      recordedUpTo: conversation.length,
      queue: accepted,
    };
    if (accepted.length > 0) {
      return {
        kind: 'turn',
        turn: await this.propose({ ...state, invalidStreak: 0 }, context, resolved),
      };
    }
    if (refusals.length === 0) {
      const summary = reply.text.trim().slice(0, 8000) || 'the model finished without a report';
      return { kind: 'turn', turn: { kind: 'finish', summary, model, state } };
    }
    const streak = state.invalidStreak + 1;
    if (streak > resolved.profile.limits.maxInvalidToolCalls) {
      const last = recorded.at(-1);
      const why = last !== undefined && 'refused' in last ? last.refused : 'malformed';
      const limit = resolved.profile.limits.maxInvalidToolCalls;
      return {
        kind: 'turn',
        turn: this.fail(
          state,
          `the model's tool calls were malformed ${streak} times in a row (maxInvalidToolCalls ${limit}); last: ${why}`,
        ),
      };
    }
    return { kind: 'again', state: { ...state, invalidStreak: streak } };
  }

  /** Hands the first queued call to the engine, after the plan and the limits allow it. */
  private async propose(
    state: LlmState,
    context: PlannerContext,
    resolved: ResolvedModel,
  ): Promise<PlannerTurn> {
    const [call, ...rest] = state.queue;
    if (call === undefined) return this.fail(state, 'nothing to propose');
    let next = state;
    if (state.plan !== undefined) {
      const conformance = conformsToPlan(state.plan.steps, state.plan.cursor, call.tool, call.args);
      if (!conformance.ok) {
        await this.dependencies.audit
          .append({
            type: 'plan-deviation-refused',
            runId: context.run.id,
            stepIndex: context.steps.length,
            actor: { user: context.run.requestedBy, agent: context.run.agentId },
            tool: call.tool.slice(0, 300),
            args: { digest: digestOf(call.args) },
            model: call.model,
            details: {
              reason: conformance.reason,
              planDigest: state.plan.digest,
              cursor: state.plan.cursor,
            },
          })
          .catch(() => undefined); // the run stops either way; a lost entry cannot let the call run
        return this.fail(
          state,
          `refused before the gate: the model proposed a call outside the accepted plan (${conformance.reason})`,
        );
      }
      next = { ...next, plan: { ...state.plan, cursor: conformance.index + 1 } };
    }
    const limit = toolCallLimit(next, resolved.profile.limits, call.tool, call.args);
    if (!limit.ok) return this.fail(state, limit.reason);
    next = {
      ...limit.state,
      queue: rest,
      pending: [
        ...state.pending,
        { id: call.id, name: call.name, tool: call.tool, stepIndex: context.steps.length },
      ],
    };
    return { kind: 'call', tool: call.tool, args: call.args, model: call.model, state: next };
  }

  /** A function that calls the model for this run, recording each failed attempt. */
  private modelCaller(context: PlannerContext, resolved: ResolvedModel) {
    return (request: {
      system: string;
      messages: Parameters<typeof callModel>[0]['messages'];
      tools: Parameters<typeof callModel>[0]['tools'];
      toolChoice?: Parameters<typeof callModel>[0]['toolChoice'];
    }) =>
      callModel(
        {
          resolved,
          ...request,
          onDelta: (text) =>
            this.dependencies.activity?.publish(context.run.id, { kind: 'model-delta', text }),
        },
        (failure) =>
          recordModelFailure(
            this.dependencies.audit,
            context.run,
            context.steps.length,
            resolved,
            failure,
          ),
        this.dependencies.sleep,
      );
  }

  private fail(state: LlmState | PlannerContext['state'], reason: string): PlannerTurn {
    return { kind: 'fail', reason, state };
  }
}

/** A caller of the model for one run, as plan-turn.ts receives it. */
export type ModelCaller = ReturnType<LlmPlanner['modelCaller']>;

/** Adds the results of answered calls to the conversation, as marked data. */
function collectResults(
  state: LlmState,
  context: PlannerContext,
  tools: ReadonlyMap<string, LoadedTool>,
  maxChars: number,
): LlmState {
  const conversation = [...state.conversation];
  const pending = [];
  for (const waiting of state.pending) {
    const step = context.steps[waiting.stepIndex];
    if (step === undefined) {
      pending.push(waiting);
      continue;
    }
    const loaded = [...tools.values()].find((tool) => tool.id === step.tool);
    conversation.push(
      toolResultEntry(
        // A tool Castellan does not know has no trust to claim: its output counts as untrusted.
        {
          ...waiting,
          untrusted: loaded?.manifest.untrustedOutput ?? true,
          nonce: state.nonce,
          maxChars,
        },
        step,
      ),
    );
  }
  return { ...state, conversation, pending };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
