import { z } from 'zod';
import { guardSettingsSchema } from './guard-settings.js';
import { approvalSettingsSchema, notificationSettingsSchema } from './approval-settings.js';
import { auditSettingsSchema } from './audit-settings.js';
import { identitySchema } from './identity-schema.js';
import { modelsSchema } from './model-settings.js';

/** The environments packs are admitted to; rules tighten toward prod. */
export const environmentSchema = z.enum(['dev', 'staging', 'prod']);
export type Environment = z.infer<typeof environmentSchema>;

const storeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('sqlite'),
    /** Relative paths resolve against the home folder. */
    path: z.string().min(1).default('castellan.db'),
  }),
  z.object({
    kind: z.literal('postgres'),
    url: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL'),
    /** A PostgreSQL schema to keep Castellan's tables in (tests use one per suite). */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL identifier')
      .default('public'),
  }),
]);

const sandboxLimitDefaults = {
  cpuSeconds: 60,
  memoryMb: 2048,
  processes: 128,
  openFiles: 256,
  workDirMb: 256,
};

const sandboxLimitsSchema = z
  .object({
    cpuSeconds: z.number().int().min(1).max(3600).default(sandboxLimitDefaults.cpuSeconds),
    memoryMb: z.number().int().min(16).max(65_536).default(sandboxLimitDefaults.memoryMb),
    processes: z.number().int().min(1).max(4096).default(sandboxLimitDefaults.processes),
    openFiles: z.number().int().min(16).max(65_536).default(sandboxLimitDefaults.openFiles),
    workDirMb: z.number().int().min(1).max(65_536).default(sandboxLimitDefaults.workDirMb),
  })
  .strict();

const sandboxEgressDefaults = {
  allowHosts: [] as string[],
  allowAddressRanges: [] as string[],
  runBytesOut: 1024 * 1024,
  runBytesIn: 64 * 1024 * 1024,
};

const sandboxEgressSchema = z
  .object({
    /** `host`, `host:port`, `*.domain` or `*.domain:port` a tool may declare and reach. */
    allowHosts: z
      .array(
        z
          .string()
          .max(260)
          .regex(
            /^(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/i,
            'a host, host:port, *.domain or *.domain:port',
          ),
      )
      .max(256)
      .default([]),
    /** Loopback, private, link-local or metadata ranges the proxy may reach anyway (CIDR). */
    allowAddressRanges: z
      .array(z.string().regex(/^[0-9a-f:.]+(\/\d{1,3})?$/i, 'an address or CIDR range'))
      .max(64)
      .default([]),
    /** Bytes each run's steps may send out in all (the exfiltration budget), and receive. */
    runBytesOut: z
      .number()
      .int()
      .min(0)
      .max(1024 ** 3)
      .default(sandboxEgressDefaults.runBytesOut),
    runBytesIn: z
      .number()
      .int()
      .min(0)
      .max(16 * 1024 ** 3)
      .default(sandboxEgressDefaults.runBytesIn),
  })
  .strict();

/** One zod schema for every setting; defaults make an empty file a working embedded setup. */
export const configSchema = z
  .object({
    organisation: z
      .object({
        id: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes')
          .default('default'),
        name: z.string().min(1).max(200).default('Demo organisation'),
      })
      .strict()
      .default({ id: 'default', name: 'Demo organisation' }),
    environment: environmentSchema.default('dev'),
    store: storeSchema.default({ kind: 'sqlite', path: 'castellan.db' }),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(7300),
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1024 * 1024)
          .default(1024 * 1024),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 7300, bodyLimitBytes: 1024 * 1024 }),
    tokens: z
      .object({
        issuer: z.string().min(1).default('castellan'),
        audience: z.string().min(1).default('castellan-gate'),
        /** Capability token lifetime; the design caps it at 15 minutes. */
        ttlSeconds: z.number().int().min(10).max(900).default(900),
        clockToleranceSeconds: z.number().int().min(0).max(300).default(5),
      })
      .strict()
      .default({
        issuer: 'castellan',
        audience: 'castellan-gate',
        ttlSeconds: 900,
        clockToleranceSeconds: 5,
      }),
    /** OIDC, delegation, just-in-time scopes and revocation (see identity-schema.ts). */
    identity: identitySchema,
    sandbox: z
      .object({
        /** `bwrap` runs steps under bubblewrap; `refuse` denies every sandboxed step. */
        driver: z.enum(['bwrap', 'refuse']).default('bwrap'),
        bwrapPath: z.string().min(1).default('bwrap'),
        timeoutMs: z.number().int().min(100).max(600_000).default(10_000),
        maxOutputBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(1024 * 1024),
        /** Ceilings for every step; a tool's declared limits can only be lower. */
        limits: sandboxLimitsSchema.default(sandboxLimitDefaults),
        /** Network: none, unless a tool declares a destination this allowlist also names. */
        egress: sandboxEgressSchema.default(sandboxEgressDefaults),
      })
      .strict()
      .default({
        driver: 'bwrap',
        bwrapPath: 'bwrap',
        timeoutMs: 10_000,
        maxOutputBytes: 1024 * 1024,
        limits: sandboxLimitDefaults,
        egress: sandboxEgressDefaults,
      }),
    packs: z
      .object({
        /** Folders holding one pack per sub-folder; relative paths resolve against the home. */
        paths: z.array(z.string().min(1)).default(['packs']),
        /** Environments where a local, unsigned pack may load. */
        allowUnsignedIn: z.array(environmentSchema).default(['dev']),
      })
      .strict()
      .default({ paths: ['packs'], allowUnsignedIn: ['dev'] }),
    policy: z
      .object({
        /** Folder of `.cedar` files loaded as the enforced policy set at start-up. */
        dir: z.string().min(1).default('policies'),
      })
      .strict()
      .default({ dir: 'policies' }),
    /** Expiry, the expiry sweep, decision links (see approval-settings.ts). */
    approvals: approvalSettingsSchema,
    /** Webhooks told of new approval requests, and their retry (see approval-settings.ts). */
    notifications: notificationSettingsSchema,
    /** Settings per connector (URLs, folders of target systems); never secrets in clear. */
    connectors: z
      .record(
        z.string().regex(/^[a-z][a-z0-9-]*$/, 'a connector name'),
        z.record(z.string(), z.unknown()),
      )
      .default({}),
    runs: z
      .object({
        maxSteps: z.number().int().min(1).max(10_000).default(50),
      })
      .strict()
      .default({ maxSteps: 50 }),
    /** The data guard: rules per destination over the defaults, egress budgets (guard-settings.ts). */
    guard: guardSettingsSchema,
    /** Model profiles for LLM planners, by name; API keys only as references (model-settings.ts). */
    models: modelsSchema,
    /** Checkpoints, witnesses and payload retention of the audit log (audit-settings.ts). */
    audit: auditSettingsSchema,
  })
  .strict();

/** Validated settings, with every default filled in. */
export type CastellanConfig = z.infer<typeof configSchema>;
