import { z } from 'zod';
import { packNeedsSchema, packScriptPathSchema } from './manifest-needs.js';
import { observeSchema, undoProblems, undoSchema } from './undo-manifest.js';

/**
 * The pack manifest, `castellan.pack.json`. Manifests come from pack authors and, later, from
 * archives of unknown origin: they are attacker-controlled input, parsed strictly (unknown keys
 * are errors) with size limits on every list and string.
 */

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, starting with a letter');

/** `@scope/name` or `name`. */
export const packNameSchema = z
  .string()
  .regex(/^(@[a-z0-9-]{1,40}\/)?[a-z][a-z0-9-]{0,62}$/, 'a pack name such as @acme/itops');

const semver = z
  .string()
  .regex(/^\d{1,6}\.\d{1,6}\.\d{1,6}(-[0-9A-Za-z.-]{1,40})?$/, 'a semantic version such as 1.2.3');

/**
 * A scope string `domain:resource.verb`, optionally bound to a resource with a third part that
 * may be a `{arg}` template filled from the call's arguments: `itops:service.restart:{service}`.
 */
export const scopeSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*(:[A-Za-z0-9_.{}*-]{1,120})?$/,
    'a scope such as itops:service.restart or itops:service.restart:{service}',
  );

/** A host folder named by a connector setting, made visible inside the sandbox. */
const shellMountSchema = z
  .object({
    /** `connector-name.setting`, e.g. `itops-fleet.logDir`: resolved from the home's settings. */
    setting: z.string().regex(/^[a-z][a-z0-9-]*\.[A-Za-z][A-Za-z0-9]*$/),
    sandboxPath: z.string().regex(/^\/[A-Za-z0-9_./-]{1,200}$/, 'an absolute path'),
    readOnly: z.boolean().default(true),
  })
  .strict();

/** Resource limits a shell tool declares; each may only lower the configured ceiling. */
const shellLimitsSchema = z
  .object({
    cpuSeconds: z.number().int().min(1).max(3600).optional(),
    memoryMb: z.number().int().min(16).max(65_536).optional(),
    processes: z.number().int().min(1).max(4096).optional(),
    openFiles: z.number().int().min(16).max(65_536).optional(),
    workDirMb: z.number().int().min(1).max(65_536).optional(),
  })
  .strict();

/** A host and port a shell tool needs to reach: exact names only, no wildcards. */
const egressDestinationSchema = z
  .object({
    host: z
      .string()
      .max(253)
      .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'a host name or IPv4 address'),
    port: z.number().int().min(1).max(65535),
  })
  .strict();

/** How a tool is carried out: the shell connector (sandboxed) or a named in-process connector. */
export const toolConnectorSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('shell'),
      /** argv; `{arg}` in an element is replaced by that (schema-validated) argument's text. */
      command: z.array(z.string().max(1000)).min(1).max(64),
      mounts: z.array(shellMountSchema).max(16).default([]),
      timeoutMs: z.number().int().min(100).max(600_000).optional(),
      /** Limits the step asks for; the sandbox's configured ceilings cap them. */
      limits: shellLimitsSchema.optional(),
      /** Destinations the step may reach, through the egress proxy, if policy also permits. */
      egress: z.array(egressDestinationSchema).max(32).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('builtin'),
      /** The connector's registered name, e.g. `itops-fleet`. */
      connector: identifier,
      operation: identifier,
    })
    .strict(),
  z
    .object({
      kind: z.literal('mcp'),
      /** The MCP server's name in the settings: `connectors.mcp.servers.<server>`. */
      server: identifier,
      /** The tool's name on that server, as MCP names tools. */
      tool: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'an MCP tool name'),
      /**
       * The pin: sha256 over the canonical JSON of the tool's name, description and input
       * schema as the server listed them when the pack was made. A server that now lists the
       * tool differently is refused (a poisoned description, a changed schema).
       */
      digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a sha256:<hex> digest'),
    })
    .strict(),
]);

/** One callable action of a pack. */
export const toolManifestSchema = z
  .object({
    name: identifier,
    description: z.string().min(1).max(2000),
    /** JSON Schema (draft-07 subset) of the arguments object; compiled once per pack load. */
    args: z
      .record(z.string(), z.unknown())
      .refine((schema) => schema.type === 'object', 'the arguments schema must have type "object"'),
    scopes: z.array(scopeSchema).max(16),
    /** The resource the tool acts on, for policy: a Cedar entity type and an id template. */
    resource: z
      .object({
        type: z.string().regex(/^[A-Z][A-Za-z0-9]{0,40}$/, 'a Cedar type name such as Service'),
        id: z.string().min(1).max(200),
      })
      .strict(),
    risk: z.enum(['low', 'medium', 'high', 'critical']),
    /** Output comes from a source Castellan does not trust: it taints the run. */
    untrustedOutput: z.boolean().default(false),
    /**
     * Who receives what the tool sends: the organisation's own systems, or outside parties (mail
     * to other domains, payments, third-party APIs). The data rules treat a tool that declares
     * nothing as external: failing closed costs a declaration, failing open leaks data.
     */
    destination: z.enum(['internal', 'external']).optional(),
    /** Safe to run again with the same arguments (matters when resuming after a crash). */
    idempotent: z.boolean().default(false),
    /** Whether the tool changes the resource it names (read-only tools never need approval). */
    effect: z.enum(['read', 'write']).default('read'),
    /** Approval needed whatever policy says: the role and how many distinct approvers. */
    approval: z
      .object({
        role: z.string().regex(/^[a-z][a-z0-9-]*(:[a-z0-9-]+)?$/),
        quorum: z.number().int().min(1).max(5).default(1),
      })
      .strict()
      .optional(),
    /** Which part of the observed resource this tool changes (see undo-manifest.ts). */
    observe: observeSchema.optional(),
    /** The call that puts the resource back to its pre-state, checked after it ran. */
    restore: undoSchema.optional(),
    /** The call that undoes the effect another way, where no pre-state can be restored. */
    compensate: undoSchema.optional(),
    connector: toolConnectorSchema,
  })
  .strict();

/** A reference into earlier results or the run input: `${input.x}` or `${steps.id.output.path}`. */
const playbookStepSchema = z
  .object({
    id: identifier,
    tool: identifier,
    args: z.record(z.string(), z.unknown()).default({}),
    /** Skip the step when this reference resolves to nothing (undefined, null, empty list). */
    when: z.string().max(200).optional(),
  })
  .strict();

/** Deterministic steps declared by a pack, run by the playbook planner. */
export const playbookSchema = z
  .object({
    name: identifier,
    description: z.string().min(1).max(2000),
    steps: z.array(playbookStepSchema).min(1).max(100),
  })
  .strict();

/** The whole manifest. */
export const packManifestSchema = z
  .object({
    name: packNameSchema,
    version: semver,
    publisher: z.string().min(1).max(100),
    description: z.string().min(1).max(2000),
    engines: z.object({ castellan: z.string().min(1).max(50) }).strict(),
    instructions: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}\.md$/, 'a Markdown file in the pack folder'),
    // An instructions-only pack (an imported skill before review) may have no tools.
    tools: z.array(toolManifestSchema).max(200),
    playbooks: z.array(playbookSchema).max(50).default([]),
    /** Files of the pack its tools run; each must be in the pack. */
    scripts: z.array(packScriptPathSchema).max(50).optional(),
    /** Host needs declared for review (imported skills), never granted by the declaration. */
    needs: packNeedsSchema.optional(),
  })
  .strict()
  .superRefine((manifest, context) => {
    const names = new Set<string>();
    for (const tool of manifest.tools) {
      if (names.has(tool.name)) {
        context.addIssue({
          code: 'custom',
          message: `duplicate tool name ${tool.name}`,
          path: ['tools'],
        });
      }
      names.add(tool.name);
    }
    for (const problem of undoProblems(manifest.tools)) {
      context.addIssue({
        code: 'custom',
        message: problem.message,
        path: ['tools', problem.index],
      });
    }
    for (const [index, playbook] of manifest.playbooks.entries()) {
      for (const step of playbook.steps) {
        if (!names.has(step.tool)) {
          context.addIssue({
            code: 'custom',
            message: `playbook ${playbook.name} step ${step.id} names unknown tool ${step.tool}`,
            path: ['playbooks', index],
          });
        }
      }
    }
  });

export type PackManifest = z.infer<typeof packManifestSchema>;
export type ToolManifest = z.infer<typeof toolManifestSchema>;
export type ToolConnector = z.infer<typeof toolConnectorSchema>;
export type Playbook = z.infer<typeof playbookSchema>;
export type PlaybookStep = z.infer<typeof playbookStepSchema>;
