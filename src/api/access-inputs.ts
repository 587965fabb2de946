import { z } from 'zod';
import { environmentSchema } from '../config/index.js';
import { isRole } from '../identity/index.js';

/*
 * Requests of the identity-and-access control plane, from HTTP or the CLI: attacker-controlled,
 * parsed here with sizes bounded before anything is looked up.
 */

const DAY = 24 * 3600;

/** The longest a standing grant may run; renewals are new requests an admin decides again. */
export const MAX_STANDING_GRANT_SECONDS = 90 * DAY;
/** A standing grant's duration when the request names none. */
export const DEFAULT_STANDING_GRANT_SECONDS = 7 * DAY;
/** The longest an API key may live; keys without expiry are made only by `castellan init`. */
export const MAX_API_KEY_SECONDS = 365 * DAY;

const reason = z.string().trim().min(1, 'say why').max(2000);
/** A user id: local (`olga`) or from OIDC (`oidc:olga@corp.example`). */
export const userIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@+:|-]{0,199}$/, 'a user id');
const localUserId = z
  .string()
  .regex(/^[a-z][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, dot, dash, underscore');
const agentId = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'an agent name');
const runId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'a run id');
const scope = z.string().min(1).max(256);

export const createApiKeySchema = z
  .object({
    user: userIdSchema,
    label: z.string().min(1).max(200),
    expiresInSeconds: z
      .number()
      .int()
      .min(60)
      .max(MAX_API_KEY_SECONDS)
      .default(90 * DAY),
  })
  .strict();

export const createUserSchema = z
  .object({
    id: localUserId,
    displayName: z.string().min(1).max(200),
    roles: z.array(z.string().max(80).refine(isRole, 'a Castellan role')).max(16).default([]),
  })
  .strict();

export const scopeRequestSchema = z
  .object({
    agent: agentId.optional(),
    run: runId.optional(),
    scope,
    resource: z.string().max(300).optional(),
    environment: environmentSchema.optional(),
    durationSeconds: z.number().int().min(10).max(MAX_STANDING_GRANT_SECONDS).optional(),
    reason,
  })
  .strict()
  .refine((value) => value.agent !== undefined || value.run !== undefined, {
    message: 'name the agent (a standing grant) or the run (just in time)',
    path: ['agent'],
  });

export const scopeDecisionSchema = z
  .object({
    decision: z.enum(['approve', 'deny']),
    scope: scope.optional(),
    durationSeconds: z.number().int().min(1).max(MAX_STANDING_GRANT_SECONDS).optional(),
    reason: z.string().max(2000).optional(),
  })
  .strict();

export const revokeTokensSchema = z
  .object({
    jti: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'a token id')
      .optional(),
    agent: agentId.optional(),
    user: userIdSchema.optional(),
    run: runId.optional(),
    reason,
  })
  .strict()
  .refine((value) => [value.jti, value.agent, value.user, value.run].filter(Boolean).length === 1, {
    message: 'name exactly one of jti, agent, user or run',
    path: ['jti'],
  });

export const killSwitchSchema = z.object({ engaged: z.boolean(), reason }).strict();

export const revokeSchema = z.object({ reason }).strict();
