import { z } from 'zod';

/**
 * Model profiles: which provider and model an LLM planner talks to, and within which limits.
 * Agents name a profile (`AgentRecord.planner.model`); the profile lives in castellan.json, so
 * the database holds neither a key nor where one is kept. An API key is only ever a reference
 * (an environment variable's name or a file), resolved by `readModelApiKey` at call time.
 */

/** Where a model's API key is kept: never the key itself. */
export const apiKeyReferenceSchema = z.union([
  z
    .object({
      env: z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'an environment variable name'),
    })
    .strict(),
  z
    .object({
      /** A file holding the key (relative paths resolve against the home); must not be group- or world-readable. */
      file: z.string().min(1).max(1000),
    })
    .strict(),
]);

/** A reference to an API key. */
export type ApiKeyReference = z.infer<typeof apiKeyReferenceSchema>;

const limitDefaults = {
  maxModelCalls: 30,
  maxToolCalls: 20,
  maxTokens: 200_000,
  maxCostUsd: 5,
  maxRepeatedCalls: 3,
  maxInvalidToolCalls: 3,
  maxRetries: 2,
  maxRetryWaitMs: 10_000,
  timeoutMs: 60_000,
  maxConversationBytes: 512 * 1024,
  maxResultChars: 16_000,
};

/** Per-run limits of an LLM planner; reaching one ends the run with a reason that names it. */
export const modelLimitsSchema = z
  .object({
    /** Model calls per run (each retry of one call is not counted again). */
    maxModelCalls: z.number().int().min(1).max(1000).default(limitDefaults.maxModelCalls),
    /** Tool calls the model may propose per run. */
    maxToolCalls: z.number().int().min(1).max(1000).default(limitDefaults.maxToolCalls),
    /** Input plus output tokens per run, as the provider reports them. */
    maxTokens: z.number().int().min(100).max(100_000_000).default(limitDefaults.maxTokens),
    /** Spend per run in US dollars, from the profile's prices. */
    maxCostUsd: z.number().min(0).max(100_000).default(limitDefaults.maxCostUsd),
    /** The same tool with the same arguments, this many times in a run, is a runaway loop. */
    maxRepeatedCalls: z.number().int().min(1).max(100).default(limitDefaults.maxRepeatedCalls),
    /** Malformed tool calls (bad JSON, arguments that miss the schema) in a row before giving up. */
    maxInvalidToolCalls: z.number().int().min(0).max(20).default(limitDefaults.maxInvalidToolCalls),
    /** Retries of a failed model call (rate limits, 5xx, timeouts), after the first attempt. */
    maxRetries: z.number().int().min(0).max(10).default(limitDefaults.maxRetries),
    /** The longest a retry waits, whatever a retry-after header asks. */
    maxRetryWaitMs: z.number().int().min(0).max(300_000).default(limitDefaults.maxRetryWaitMs),
    /** One model call's deadline. */
    timeoutMs: z.number().int().min(100).max(600_000).default(limitDefaults.timeoutMs),
    /** The durable conversation's size, beyond which the run stops rather than grow unbounded. */
    maxConversationBytes: z
      .number()
      .int()
      .min(4096)
      .max(64 * 1024 * 1024)
      .default(limitDefaults.maxConversationBytes),
    /** A tool result is cut to this many characters before the model sees it. */
    maxResultChars: z.number().int().min(256).max(1_000_000).default(limitDefaults.maxResultChars),
  })
  .strict();

/** One model profile. */
export const modelProfileSchema = z
  .object({
    provider: z.enum(['openai', 'azure', 'anthropic', 'openai-compatible']),
    /** The model id (Azure: the deployment name). */
    model: z.string().min(1).max(200),
    /** Base URL; required for openai-compatible, optional elsewhere (a proxy or a gateway). */
    endpoint: z.string().url().max(2000).optional(),
    /** Azure: the resource name, when no endpoint is given. */
    resourceName: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/)
      .optional(),
    apiKey: apiKeyReferenceSchema.optional(),
    temperature: z.number().min(0).max(2).optional(),
    /** Output tokens per model call. */
    maxOutputTokens: z.number().int().min(1).max(200_000).optional(),
    /** Stream the reply (text is forwarded live to run event streams in this process). */
    stream: z.boolean().default(false),
    /** Keep the prompt's and reply's text in the audit log (digests are always kept). */
    recordText: z.boolean().default(true),
    /** Prices in US dollars per million tokens, for the cost limit. */
    pricing: z
      .object({
        inputPerMillion: z.number().min(0).max(10_000).default(0),
        outputPerMillion: z.number().min(0).max(10_000).default(0),
      })
      .strict()
      .default({ inputPerMillion: 0, outputPerMillion: 0 }),
    limits: modelLimitsSchema.default(limitDefaults),
  })
  .strict()
  .refine((profile) => profile.provider !== 'openai-compatible' || profile.endpoint !== undefined, {
    message: 'an openai-compatible profile needs an endpoint',
    path: ['endpoint'],
  })
  .refine(
    (profile) =>
      profile.provider !== 'azure' ||
      profile.endpoint !== undefined ||
      profile.resourceName !== undefined,
    { message: 'an azure profile needs an endpoint or a resourceName', path: ['endpoint'] },
  );

/** A validated model profile, defaults filled in. */
export type ModelProfile = z.infer<typeof modelProfileSchema>;

/** Per-run limits of a profile. */
export type ModelLimits = z.infer<typeof modelLimitsSchema>;

/** The `models` section: profile name → profile. */
export const modelsSchema = z
  .record(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a profile name'), modelProfileSchema)
  .default({});
