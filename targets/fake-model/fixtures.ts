/**
 * Recorded model exchanges the fake model server replays. A fixture file lists exchanges; the
 * first whose `match` fits a request answers it with its next reply (the last reply repeats).
 * Matching reads only the request (no hidden conversation state), so many runs can share one
 * server at once: `turn` counts the assistant messages since the last user message.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const toolCallSchema = z
  .object({
    id: z.string().optional(),
    name: z.string(),
    /** An object is sent as JSON; a string is sent as it is (to replay malformed arguments). */
    arguments: z.union([z.record(z.string(), z.unknown()), z.string()]),
  })
  .strict();

const replySchema = z
  .object({
    status: z.number().int().min(100).max(599).default(200),
    headers: z.record(z.string(), z.string()).default({}),
    /** Wait this long before answering (timeouts). */
    delayMs: z.number().int().min(0).max(600_000).default(0),
    /** A recorded response body, sent as it is (errors, or a real provider's answer). */
    body: z.unknown().optional(),
    /** Or a reply written compactly, expanded into the provider's format. */
    message: z
      .object({
        content: z.string().default(''),
        toolCalls: z.array(toolCallSchema).default([]),
      })
      .strict()
      .optional(),
    /** The model id the provider reports (a version or snapshot). */
    model: z.string().default('fake-model-2025-01-01'),
    usage: z
      .object({ input: z.number().int().min(0), output: z.number().int().min(0) })
      .strict()
      .default({ input: 100, output: 20 }),
  })
  .strict();

const exchangeSchema = z
  .object({
    name: z.string().optional(),
    match: z
      .object({
        /** A substring of the last user message. */
        user: z.string().optional(),
        /** Assistant messages since the last user message: 0 for the first reply. */
        turn: z
          .union([z.number().int().min(0), z.object({ min: z.number().int().min(0) })])
          .optional(),
        /** A tool that must be offered (e.g. submit_plan while planning). */
        tool: z.string().optional(),
        /** A substring of the last tool result. */
        lastResult: z.string().optional(),
        /** A substring of the system prompt. */
        system: z.string().optional(),
      })
      .strict()
      .default({}),
    replies: z.array(replySchema).min(1),
  })
  .strict();

/** A fixture file. */
export const fixtureSchema = z
  .object({ description: z.string(), exchanges: z.array(exchangeSchema).min(1) })
  .strict();

export type Fixture = z.infer<typeof fixtureSchema>;
export type Exchange = z.infer<typeof exchangeSchema>;
export type Reply = z.infer<typeof replySchema>;

/** Reads and validates fixture files. */
export function readFixtures(paths: string[]): Fixture[] {
  return paths.map((path) => {
    const parsed = fixtureSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success)
      throw new Error(`${path}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  });
}

/** What a request says, in a provider-neutral form. */
export interface RequestFacts {
  lastUser: string;
  turn: number;
  tools: string[];
  lastResult: string;
  system: string;
}

/** Whether an exchange answers a request. */
export function matches(exchange: Exchange, facts: RequestFacts): boolean {
  const { match } = exchange;
  if (match.user !== undefined && !facts.lastUser.includes(match.user)) return false;
  if (match.turn !== undefined) {
    if (typeof match.turn === 'number' ? facts.turn !== match.turn : facts.turn < match.turn.min)
      return false;
  }
  if (match.tool !== undefined && !facts.tools.includes(match.tool)) return false;
  if (match.lastResult !== undefined && !facts.lastResult.includes(match.lastResult)) return false;
  if (match.system !== undefined && !facts.system.includes(match.system)) return false;
  return true;
}
