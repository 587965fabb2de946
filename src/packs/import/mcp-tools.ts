import { z } from 'zod';
import { digestOf } from '../../core/index.js';
import { PackError } from '../errors.js';

/**
 * MCP tools as a server lists them. Everything here comes from the server and is
 * attacker-controlled: a tool's description is read by the model (tool poisoning), and a server
 * can change it after it was reviewed (a rug pull). So each tool's name, description and input
 * schema are pinned by digest at import, and a listing that differs is refused at run time.
 */
export interface McpToolListing {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** Bounds on a listing; a server past them is refused rather than truncated. */
export const mcpLimits = {
  maxTools: 200,
  maxDescription: 10_000,
  maxSchemaBytes: 64 * 1024,
} as const;

const listedToolSchema = z
  .object({
    name: z.string().min(1).max(128),
    description: z.string().max(mcpLimits.maxDescription).optional(),
    inputSchema: z.record(z.string(), z.unknown()),
  })
  .passthrough();

/** Parses a tools/list result's tools; the fields that matter are checked, the rest ignored. */
export function parseMcpTools(tools: unknown): McpToolListing[] {
  const parsed = z.array(listedToolSchema).max(mcpLimits.maxTools).safeParse(tools);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PackError(
      'invalid-manifest',
      `the MCP server's tool list is not valid: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const names = new Set<string>();
  return parsed.data.map((tool) => {
    if (names.has(tool.name))
      throw new PackError('invalid-manifest', `the MCP server lists ${tool.name} twice`);
    names.add(tool.name);
    if (JSON.stringify(tool.inputSchema).length > mcpLimits.maxSchemaBytes)
      throw new PackError(
        'invalid-manifest',
        `the input schema of ${tool.name} is larger than ${mcpLimits.maxSchemaBytes} bytes`,
      );
    return { name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema };
  });
}

/** Lists every tool of a connected MCP client, following pagination up to the limit. */
export async function listMcpTools(client: {
  listTools(params?: {
    cursor?: string;
  }): Promise<{ tools: unknown[]; nextCursor?: string | undefined }>;
}): Promise<McpToolListing[]> {
  const tools: unknown[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page += 1) {
    const result = await client.listTools(cursor === undefined ? undefined : { cursor });
    tools.push(...result.tools);
    if (tools.length > mcpLimits.maxTools) break;
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return parseMcpTools(tools);
}

/** `sha256:` of the canonical JSON of what the model sees of a tool: name, description, schema. */
export function mcpToolDigest(tool: McpToolListing): string {
  return digestOf({
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
  });
}

/** A tool pinned at import: the server's name for it and the digest reviewed. */
export interface McpToolPin {
  tool: string;
  digest: string;
}

/** Whether a server's tool still is what was pinned. */
export type McpPinVerdict =
  { ok: true } | { ok: false; code: 'mcp-tool-missing' | 'mcp-tool-changed'; reason: string };

/**
 * The run-time check for the MCP connector: the tool the server lists now must hash to the
 * pinned digest. A changed description or schema is refused, whatever the change.
 */
export function checkMcpToolPin(
  pinned: McpToolPin,
  listed: readonly McpToolListing[],
): McpPinVerdict {
  const current = listed.find((tool) => tool.name === pinned.tool);
  if (current === undefined) {
    return {
      ok: false,
      code: 'mcp-tool-missing',
      reason: `the MCP server no longer lists the tool ${pinned.tool}`,
    };
  }
  const digest = mcpToolDigest(current);
  if (digest !== pinned.digest) {
    return {
      ok: false,
      code: 'mcp-tool-changed',
      reason: `the MCP tool ${pinned.tool} changed since it was reviewed (pinned ${pinned.digest}, now ${digest}): its description or input schema differs; re-import and review it`,
    };
  }
  return { ok: true };
}
