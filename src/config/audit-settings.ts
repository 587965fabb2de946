import { z } from 'zod';

/**
 * The evidence-grade audit log: how often checkpoints are signed, where they are published
 * outside the database, and how long payloads (prompt text, resource states) are kept. Entries
 * themselves, with their digests and hashes, are never pruned.
 */

// C2SP: an origin is a schema-less URL without spaces or '+'; it names the log in every note.
const originSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._~:/@-]{0,199}$/, 'a schema-less URL without spaces or "+"');

const witnessSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('file'),
      /** A file the checkpoints are appended to; relative paths resolve against the home. */
      path: z.string().min(1).max(1000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('http'),
      /** Receives each checkpoint note as a POST with a text/plain body. */
      url: z
        .string()
        .regex(/^https?:\/\//, 'an http:// or https:// URL')
        .max(2000),
      timeoutMs: z.number().int().min(100).max(60_000).default(5000),
    })
    .strict(),
]);

const days = z
  .number()
  .int()
  .min(1)
  .max(100 * 365)
  .nullable();

const retentionDefaults = { prompt: 90, state: 365, input: 365, result: 365 };
const checkpointDefaults = { everyEntries: 1000, everySeconds: 300 };

/** The `audit` settings. */
export const auditSettingsSchema = z
  .object({
    /** The log's name in checkpoints; used when the audit key is first created, then fixed. */
    origin: originSchema.optional(),
    checkpoint: z
      .object({
        everyEntries: z
          .number()
          .int()
          .min(1)
          .max(1_000_000)
          .default(checkpointDefaults.everyEntries),
        everySeconds: z.number().int().min(1).max(86_400).default(checkpointDefaults.everySeconds),
      })
      .strict()
      .default(checkpointDefaults),
    witnesses: z.array(witnessSchema).max(16).default([]),
    /** Days to keep each payload class (null: for ever). */
    retentionDays: z
      .object({
        prompt: days.default(retentionDefaults.prompt),
        state: days.default(retentionDefaults.state),
        input: days.default(retentionDefaults.input),
        result: days.default(retentionDefaults.result),
      })
      .strict()
      .default(retentionDefaults),
    /** Group commit: at most this many appends share one transaction. */
    maxBatch: z.number().int().min(1).max(10_000).default(256),
  })
  .strict()
  .default({
    checkpoint: checkpointDefaults,
    witnesses: [],
    retentionDays: retentionDefaults,
    maxBatch: 256,
  });

/** Validated audit settings. */
export type AuditSettings = z.infer<typeof auditSettingsSchema>;
