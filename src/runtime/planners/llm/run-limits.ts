import { digestOf } from '../../../core/index.js';
import type { ModelLimits, ModelProfile } from '../../../config/index.js';
import type { LlmState } from './llm-state.js';

/**
 * The per-run limits of an LLM planner. Each check returns the reason the run must stop, or
 * undefined; the reason names the limit, so a runaway loop ends with a state a person can read
 * ("the model proposed the same call 3 times") rather than after hundreds of identical calls.
 */

/** Checked before every model call. */
export function modelCallLimit(
  state: LlmState,
  limits: ModelLimits,
  conversationBytes: number,
): string | undefined {
  const { usage } = state;
  if (usage.modelCalls >= limits.maxModelCalls)
    return `limit reached: ${usage.modelCalls} model calls (maxModelCalls ${limits.maxModelCalls})`;
  const tokens = usage.inputTokens + usage.outputTokens;
  if (tokens >= limits.maxTokens)
    return `limit reached: ${tokens} tokens used (maxTokens ${limits.maxTokens})`;
  if (usage.costUsd >= limits.maxCostUsd && limits.maxCostUsd > 0)
    return `limit reached: $${usage.costUsd.toFixed(4)} spent (maxCostUsd ${limits.maxCostUsd})`;
  if (conversationBytes > limits.maxConversationBytes)
    return `limit reached: the conversation is ${conversationBytes} bytes (maxConversationBytes ${limits.maxConversationBytes})`;
  return undefined;
}

/** The identity of a call for the repeat detector: tool and canonical arguments. */
export function callDigest(tool: string, args: unknown): string {
  return digestOf({ tool, args: args ?? null });
}

/**
 * Checked before a proposed call is handed to the engine; counts it when it passes. Returns the
 * updated counters, or the reason to stop.
 */
export function toolCallLimit(
  state: LlmState,
  limits: ModelLimits,
  tool: string,
  args: unknown,
): { ok: true; state: LlmState } | { ok: false; reason: string } {
  if (state.usage.toolCalls >= limits.maxToolCalls) {
    return {
      ok: false,
      reason: `limit reached: ${state.usage.toolCalls} tool calls (maxToolCalls ${limits.maxToolCalls})`,
    };
  }
  const digest = callDigest(tool, args);
  const seen = (state.callCounts[digest] ?? 0) + 1;
  if (seen > limits.maxRepeatedCalls) {
    return {
      ok: false,
      reason: `runaway loop stopped: the model proposed ${tool} with the same arguments ${seen} times (maxRepeatedCalls ${limits.maxRepeatedCalls})`,
    };
  }
  return {
    ok: true,
    state: {
      ...state,
      usage: { ...state.usage, toolCalls: state.usage.toolCalls + 1 },
      callCounts: { ...state.callCounts, [digest]: seen },
    },
  };
}

/** Adds one call's tokens and cost to the run's usage. */
export function withUsage(
  state: LlmState,
  pricing: ModelProfile['pricing'],
  tokens: { inputTokens: number; outputTokens: number },
): LlmState {
  const cost =
    (tokens.inputTokens * pricing.inputPerMillion +
      tokens.outputTokens * pricing.outputPerMillion) /
    1_000_000;
  return {
    ...state,
    usage: {
      ...state.usage,
      modelCalls: state.usage.modelCalls + 1,
      inputTokens: state.usage.inputTokens + tokens.inputTokens,
      outputTokens: state.usage.outputTokens + tokens.outputTokens,
      costUsd: Math.round((state.usage.costUsd + cost) * 1e6) / 1e6,
    },
  };
}
