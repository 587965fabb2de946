import { z } from 'zod';
import { ConnectorError } from '../errors.js';
import type { ConnectorSettings } from '../port.js';

/**
 * The MCP servers an operator configured, `connectors.mcp.servers.<name>`: a local command run
 * as a sandboxed session, or a streamable HTTP URL. Packs only name a server; what runs and
 * where it is reached is the operator's setting, never the pack's.
 */
const localServerSchema = z
  .object({
    /** argv inside the sandbox, e.g. ["/usr/bin/node", "/srv/mcp/server.mjs"]. */
    command: z.array(z.string().min(1).max(1000)).min(1).max(64),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(4000)).default({}),
    mounts: z
      .array(
        z
          .object({
            hostPath: z.string().min(1).max(1000),
            sandboxPath: z.string().regex(/^\/[A-Za-z0-9_./-]{1,200}$/),
            readOnly: z.boolean().default(true),
          })
          .strict(),
      )
      .max(16)
      .default([]),
    /** Stop the session after this long without a call. */
    idleMs: z.number().int().min(1000).max(3_600_000).default(300_000),
    maxLifetimeMs: z
      .number()
      .int()
      .min(1000)
      .max(24 * 3_600_000)
      .default(3_600_000),
    callTimeoutMs: z.number().int().min(100).max(600_000).default(60_000),
  })
  .strict();

const remoteServerSchema = z
  .object({
    url: z
      .string()
      .url()
      .regex(/^https?:\/\//, 'an http(s) URL'),
    callTimeoutMs: z.number().int().min(100).max(600_000).default(60_000),
  })
  .strict();

const serverSchema = z.union([localServerSchema, remoteServerSchema]);

/** One configured MCP server. */
export type McpServerSettings = z.infer<typeof serverSchema>;
/** A local (sandboxed) server's settings. */
export type LocalMcpServerSettings = z.infer<typeof localServerSchema>;

/** The settings of one named server; a missing or malformed entry is an error naming it. */
export function mcpServerSettings(settings: ConnectorSettings, server: string): McpServerSettings {
  const servers = (settings.mcp?.servers ?? {}) as Record<string, unknown>;
  const raw = Object.prototype.hasOwnProperty.call(servers, server) ? servers[server] : undefined;
  if (raw === undefined) {
    throw new ConnectorError('bad-settings', `no MCP server "${server}" in connectors.mcp.servers`);
  }
  const parsed = serverSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConnectorError(
      'bad-settings',
      `connectors.mcp.servers.${server}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
