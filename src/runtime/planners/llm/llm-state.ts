import { z } from 'zod';
import { newSecret } from '../../../core/index.js';

/**
 * The LLM planner's durable state, kept in the run record: the whole conversation, the calls
 * the model asked for that are not yet answered, the run's spend, and (plan-then-execute) the
 * accepted plan. Any process can read it and take the next turn; nothing lives in memory.
 * It is parsed on every turn: a state that does not parse fails the run, never guessed at.
 */

const name = z.string().min(1).max(300);
const args = z.record(z.string(), z.unknown());

const modelInfoSchema = z
  .object({ provider: z.string().max(100), id: z.string().max(200), version: z.string().max(200) })
  .strict();

/** A call the model asked for: its id in the conversation, its external name and the tool id. */
const proposedCallSchema = z
  .object({ id: name, name, tool: name, args, model: modelInfoSchema })
  .strict();

const conversationEntrySchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), text: z.string() }).strict(),
  z
    .object({
      role: z.literal('assistant'),
      text: z.string(),
      calls: z.array(z.object({ id: name, name, args: z.unknown() }).strict()),
    })
    .strict(),
  z
    .object({
      role: z.literal('tool'),
      id: name,
      name,
      /** Already delimited and marked as data (see tool-result-message.ts). */
      content: z.string(),
      error: z.boolean(),
    })
    .strict(),
]);

/** One planned step: a tool, the arguments fixed by the plan, and those data may fill. */
export const planStepSchema = z
  .object({
    tool: name,
    args,
    fill: z.array(z.string().max(100)).max(32),
  })
  .strict();

const planSchema = z
  .object({
    steps: z.array(planStepSchema).max(100),
    digest: z.string(),
    /** The index of the next plan step a call may match. */
    cursor: z.number().int().min(0),
  })
  .strict();

/** The LLM planner's durable state. */
export const llmStateSchema = z
  .object({
    kind: z.literal('llm'),
    /** The model profile's name in the settings (never the key, never the endpoint's secret). */
    profile: z.string().min(1).max(63),
    mode: z.enum(['react', 'plan-then-execute']),
    phase: z.enum(['planning', 'acting']),
    /** A per-run random marker around tool output, so text in a result cannot fake its end. */
    nonce: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    started: z.boolean(),
    conversation: z.array(conversationEntrySchema),
    /** How much of the conversation earlier `model-called` entries already recorded. */
    recordedUpTo: z.number().int().min(0),
    queue: z.array(proposedCallSchema),
    pending: z.array(
      z.object({ id: name, name, tool: name, stepIndex: z.number().int().min(0) }).strict(),
    ),
    usage: z
      .object({
        modelCalls: z.number().int().min(0),
        toolCalls: z.number().int().min(0),
        inputTokens: z.number().int().min(0),
        outputTokens: z.number().int().min(0),
        costUsd: z.number().min(0),
      })
      .strict(),
    /** Call digest → how often the model proposed it: the runaway-loop detector's memory. */
    callCounts: z.record(z.string(), z.number().int().min(0)),
    invalidStreak: z.number().int().min(0),
    plan: planSchema.optional(),
  })
  .strict();

/** The parsed state. */
export type LlmState = z.infer<typeof llmStateSchema>;
/** One entry of the conversation. */
export type ConversationEntry = z.infer<typeof conversationEntrySchema>;
/** A call the model proposed. */
export type ProposedCall = z.infer<typeof proposedCallSchema>;
/** One step of an accepted plan. */
export type PlanStep = z.infer<typeof planStepSchema>;

/** The initial state of an LLM run; `history` carries an earlier conversation (chat). */
export function llmState(
  profile: string,
  mode: LlmState['mode'] = 'react',
  history: ConversationEntry[] = [],
): LlmState {
  return {
    kind: 'llm',
    profile,
    mode,
    phase: mode === 'plan-then-execute' ? 'planning' : 'acting',
    nonce: newSecret(9).replace(/[^A-Za-z0-9]/g, 'x'),
    started: false,
    conversation: history,
    recordedUpTo: 0,
    queue: [],
    pending: [],
    usage: { modelCalls: 0, toolCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    callCounts: {},
    invalidStreak: 0,
  };
}
