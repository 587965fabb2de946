import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Command } from 'commander';
import { ApiError } from '../../api/index.js';
import {
  importMcpTools,
  importSkill,
  listMcpTools,
  type McpToolListing,
} from '../../packs/index.js';
import { globals } from '../context.js';

const listTimeoutMs = 30_000;

/**
 * Lists an MCP server's tools once, for an import an operator runs by hand. A stdio server is
 * started by the SDK's transport with an empty environment (nothing of ours leaks into it) and
 * stopped when the listing is done; its answers are parsed as untrusted input.
 */
async function listServerTools(target: {
  command?: string[];
  url?: string;
}): Promise<McpToolListing[]> {
  let transport: Transport;
  if (target.url !== undefined) {
    let url: URL;
    try {
      url = new URL(target.url);
    } catch {
      throw new ApiError('bad-input', `--url ${target.url} is not a URL`);
    }
    transport = new StreamableHTTPClientTransport(url);
  } else {
    const [program, ...args] = target.command ?? [];
    if (program === undefined)
      throw new ApiError('bad-input', 'pass --command PROGRAM [ARGS...] or --url URL');
    transport = new StdioClientTransport({ command: program, args, env: {}, stderr: 'pipe' });
  }
  const client = new Client({ name: 'castellan-import', version: '0.1.0' });
  const timer = setTimeout(() => void client.close(), listTimeoutMs);
  try {
    await client.connect(transport);
    return await listMcpTools(client);
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
  }
}

/** `packs import-skill DIR` and `packs import-mcp --command ... | --url ...`. */
export function registerPackImports(packs: Command): void {
  packs
    .command('import-skill')
    .argument('<dir>', 'an OpenClaw / AgentSkills skill folder (SKILL.md with YAML front matter)')
    .requiredOption('--out <dir>', 'the pack folder to create')
    .option('--scope <scope>', 'the pack name scope (@scope/name)', 'imported')
    .requiredOption('--publisher <name>', 'the publisher the pack will be signed as')
    .description('turn a skill into a pack skeleton; its declared needs wait for a reviewer')
    .action(
      async (
        dir: string,
        options: { out: string; scope: string; publisher: string },
        command: Command,
      ) => {
        const { output } = globals(command);
        const result = await importSkill(dir, {
          out: options.out,
          scope: options.scope,
          publisher: options.publisher,
        });
        output.data(result);
        output.line(
          `${result.folder}: pack ${result.name} (no tools yet; add them, then build and sign)`,
        );
        output.line(
          `  needs, NOT granted until reviewed: binaries ${result.needs.binaries.join(', ') || 'none'}; env ${result.needs.env.join(', ') || 'none'}; install steps ${result.needs.install.length}`,
        );
        for (const warning of result.warnings)
          output.line(`  ${output.paint('review:', 'yellow')} ${warning}`);
      },
    );

  packs
    .command('import-mcp')
    .option('--command <argv...>', 'start a stdio MCP server: program and arguments')
    .option('--url <url>', 'a Streamable HTTP MCP server')
    .requiredOption('--name <pack>', 'the pack name, e.g. @acme/weather')
    .requiredOption('--publisher <name>', 'the publisher the pack will be signed as')
    .requiredOption('--server-name <name>', 'the server name the MCP connector knows it by')
    .requiredOption('--out <dir>', 'the pack folder to create')
    .description(
      "write a pack of an MCP server's tools, each pinned by the digest of its description and schema",
    )
    .action(
      async (
        options: {
          command?: string[];
          url?: string;
          name: string;
          publisher: string;
          serverName: string;
          out: string;
        },
        command: Command,
      ) => {
        const { output } = globals(command);
        if ((options.command === undefined) === (options.url === undefined))
          throw new ApiError(
            'bad-input',
            'pass exactly one of --command PROGRAM [ARGS...] and --url URL',
          );
        const tools = await listServerTools(options);
        const result = await importMcpTools(tools, {
          out: resolve(options.out),
          name: options.name,
          publisher: options.publisher,
          server: options.serverName,
        });
        output.data(result);
        output.line(`${result.folder}: pack ${result.name} with ${result.tools.length} tool(s)`);
        for (const tool of result.tools)
          output.line(`  ${tool.name} ← ${tool.mcpTool}  ${tool.digest}`);
        for (const skipped of result.skipped)
          output.line(
            `  ${output.paint('left out', 'yellow')} ${skipped.mcpTool}: ${skipped.reason}`,
          );
      },
    );
}
