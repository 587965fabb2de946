import { z } from 'zod';

// Every input here arrives from the CLI or HTTP: attacker-controlled, parsed and bounded.

/** A seq or a tree size. */
export const seqSchema = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** `audit verify` options. */
export const verifyOptionsSchema = z
  .object({ witness: z.string().min(1).max(4096).optional() })
  .strict();

/** `audit export` options. */
export const exportOptionsSchema = z
  .object({
    format: z.enum(['jsonl', 'ocsf']).default('jsonl'),
    since: seqSchema.optional(),
    follow: z.boolean().default(false),
    pollMs: z.number().int().min(10).max(60_000).default(1000),
  })
  .strict();

/** `audit prune` options; `now` lets an operator (or a test) prune as of a given time. */
export const pruneOptionsSchema = z
  .object({
    dryRun: z.boolean().default(false),
    now: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/** `audit hold add`: exactly one of run, user or query, and why. */
export const holdAddSchema = z
  .object({
    run: z.string().min(1).max(200).optional(),
    user: z.string().min(1).max(200).optional(),
    query: z.string().min(1).max(1000).optional(),
    reason: z.string().min(1, 'a hold needs a reason').max(500),
  })
  .strict()
  .refine(
    (value) => [value.run, value.user, value.query].filter((one) => one !== undefined).length === 1,
    { message: 'name exactly one of --run, --user or --query' },
  );

/** `audit hold release` options. */
export const holdReleaseSchema = z
  .object({
    id: z.string().regex(/^hold_[a-z0-9]{1,64}$/, 'a hold id'),
    reason: z.string().min(1).max(500).optional(),
  })
  .strict();
