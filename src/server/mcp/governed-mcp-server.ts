import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { describeError, isCastellanError } from '../../core/index.js';
import type { CastellanService } from '../../api/index.js';
import type { UserRecord } from '../../store/index.js';
import { toolResultOf } from './tool-call-result.js';

/** Castellan's name and version as an MCP server announces them. */
export const MCP_SERVER_INFO = { name: 'castellan', version: '0.1.0' };

/**
 * An MCP server offering one agent's governed tools to a caller who is already authenticated
 * (a bearer API key over HTTP, the local key over stdio). tools/list shows what the agent may
 * use; tools/call makes one run per call through the whole gate as that caller, and turns a
 * denial or an approval wait into a tool error with the reason. Arguments are attacker-
 * controlled: they reach the gate as they came, and its resolve stage checks them.
 */
export function createGovernedMcpServer(
  service: CastellanService,
  actor: UserRecord,
  agentId: string,
  origin = 'mcp',
): Server {
  const server = new Server(MCP_SERVER_INFO, {
    capabilities: { tools: {} },
    instructions: `Governed tools of the Castellan agent ${agentId}. Every call passes Castellan's gate: it may be denied or held for a person's approval; the error says why.`,
  });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: (await service.governedTools(actor, agentId)).map((tool) => ({
      name: tool.name,
      title: tool.toolId,
      description: tool.description,
      inputSchema: tool.inputSchema as { type: 'object'; [key: string]: unknown },
      annotations: {
        title: tool.toolId,
        readOnlyHint: tool.readOnly,
        destructiveHint: !tool.readOnly,
        openWorldHint: tool.untrustedOutput,
      },
      _meta: { 'castellan/needsApproval': tool.needsApproval },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const client = server.getClientVersion()?.name;
    const label = `${origin}${client === undefined ? '' : `:${client.slice(0, 60)}`}`;
    try {
      const view = await service.callTool(
        actor,
        agentId,
        request.params.name,
        request.params.arguments ?? {},
        label,
      );
      return toolResultOf(view);
    } catch (error) {
      // A refusal by the service (no such agent, not allowed to start runs) is a tool error too.
      if (!isCastellanError(error) || error.kind === 'internal') throw error;
      return { content: [{ type: 'text', text: describeError(error) }], isError: true };
    }
  });
  return server;
}
