import { z } from 'zod';

/**
 * Settings of identity and access: the corporate OIDC issuer, who may delegate which scopes to
 * an agent, which scopes may be asked for just in time, and how fast revocation reaches calls
 * in flight. Kept in its own file so the main schema only names the section.
 */

// A Castellan role as configuration may name it; the identity room re-checks every name.
const roleName = z
  .string()
  .regex(
    /^(admin|security-admin|publisher|approver|operator|auditor|approver:[a-z][a-z0-9-]{0,62})$/,
    'a Castellan role (admin, security-admin, publisher, approver, approver:<domain>, operator, auditor)',
  );

/**
 * A delegation or elevation pattern: `*` (every scope), `<domain>:*` (every scope of a domain),
 * or a scope as grants write it (`itops:service.restart`, `itops:service.restart:*`,
 * `itops:service.restart:web-1`).
 */
export const scopePatternSchema = z
  .string()
  .max(256)
  .regex(
    /^(\*|[a-z][a-z0-9_-]{0,62}:\*|[a-z][a-z0-9_-]{0,62}:[a-z][a-z0-9_-]{0,62}\.[a-z][a-z0-9_-]{0,62}(:(\*|[A-Za-z0-9_.-]{1,120}))?)$/,
    'a scope pattern: *, <domain>:*, or domain:resource.verb[:binding]',
  );

const algorithm = z.enum([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);

const oidcSchema = z
  .object({
    /** The issuer exactly as its discovery document names it; https, or http on loopback only. */
    issuer: z
      .string()
      .url()
      .max(500)
      .refine(
        (value) =>
          /^https:\/\//.test(value) || /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)[:/]/.test(value),
        'an https:// issuer (http:// only on 127.0.0.1, [::1] or localhost)',
      ),
    /** The audience Castellan's API has at the issuer; a token must name it in `aud`. */
    audience: z.string().min(1).max(500),
    /** The claim that carries groups or roles; a dot path such as `realm_access.roles` works. */
    rolesClaim: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_:-]{0,62}(\.[A-Za-z_][A-Za-z0-9_:-]{0,62}){0,4}$/)
      .default('groups'),
    /** Claim value → Castellan roles; values not listed here give no role. */
    roleMapping: z.record(z.string().min(1).max(256), z.array(roleName).max(16)).default({}),
    /** The claim naming the person; the user id becomes `oidc:<value>`. */
    usernameClaim: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/)
      .default('sub'),
    /** Signature algorithms accepted; `none` and HMAC are never accepted. */
    algorithms: z.array(algorithm).min(1).max(10).default(['RS256', 'ES256']),
    /** Clock skew tolerated on exp, nbf and iat. */
    leewaySeconds: z.number().int().min(0).max(300).default(30),
    /** How long discovery and the key set are trusted before they are fetched again. */
    jwksCacheSeconds: z.number().int().min(10).max(86_400).default(600),
    /** How long one fetch of discovery or keys may take before the issuer counts as down. */
    fetchTimeoutMs: z.number().int().min(100).max(30_000).default(3000),
  })
  .strict();

const jitDefaults = { scopes: [] as string[], defaultSeconds: 900, maxSeconds: 3600 };

const revocationDefaults = { watchIntervalMs: 250 };

/** The defaults of the identity section: no OIDC, operators and admins delegate any scope. */
export const identityDefaults = {
  delegation: { operator: ['*'], admin: ['*'] } as Record<string, string[]>,
  jit: jitDefaults,
  revocation: revocationDefaults,
  maxActDepth: 1,
};

/** The `identity` section of castellan.json. */
export const identitySchema = z
  .object({
    oidc: oidcSchema.optional(),
    /**
     * Role → scopes a holder may delegate to an agent when starting a run. A run's token gets
     * the intersection of this, the agent's standing grants and what the task's tools need.
     */
    delegation: z
      .record(roleName, z.array(scopePatternSchema).max(256))
      .default(identityDefaults.delegation),
    /** Scopes a run may ask for just in time (an admin approves each request); none by default. */
    jit: z
      .object({
        scopes: z.array(scopePatternSchema).max(256).default([]),
        defaultSeconds: z.number().int().min(10).max(86_400).default(jitDefaults.defaultSeconds),
        maxSeconds: z.number().int().min(10).max(86_400).default(jitDefaults.maxSeconds),
      })
      .strict()
      .default(jitDefaults),
    revocation: z
      .object({
        /** How often calls in flight are checked against revocations and the kill switch. */
        watchIntervalMs: z.number().int().min(20).max(1000).default(250),
      })
      .strict()
      .default(revocationDefaults),
    /** Longest `act` delegation chain a capability token may carry. */
    maxActDepth: z.number().int().min(1).max(5).default(1),
  })
  .strict()
  .default(identityDefaults);
