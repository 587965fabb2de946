import { z } from 'zod';
import { formatIssues } from '../config/index.js';
import { scriptSchema } from '../runtime/index.js';
import { ApiError } from './errors.js';

/** A request to start a run, from HTTP or the CLI: attacker-controlled, parsed here. */
export const startRunSchema = z
  .object({
    agent: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'an agent name'),
    prompt: z.string().min(1, 'a prompt is required').max(20_000),
    planner: z.enum(['playbook', 'scripted', 'llm']).optional(),
    script: scriptSchema.optional(),
    /** LLM runs: a model profile name from the settings. */
    model: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/, 'a model profile name')
      .optional(),
    /** LLM runs: continue the conversation of an earlier run (chat). */
    continueFrom: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'a run id')
      .optional(),
    input: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .refine((value) => value.planner !== 'scripted' || value.script !== undefined, {
    message: 'the scripted planner needs a script',
    path: ['script'],
  });

/** A parsed start-run request. */
export type StartRunInput = z.infer<typeof startRunSchema>;

/** A human decision on an approval. */
export const decisionSchema = z
  .object({
    decision: z.enum(['approve', 'deny']),
    reason: z.string().max(2000).optional(),
  })
  .strict();

/** Parses untrusted input with a schema; the error names each bad field. */
export function parseInput<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiError('bad-input', `${what}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}
