import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Command } from 'commander';
import { ApiError, CastellanService } from '../../api/index.js';
import { createGovernedMcpServer } from '../../server/index.js';
import { globals } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `castellan mcp serve --agent AGENT --as USER`: an agent's governed tools as an MCP server on
 * stdin/stdout, for IDE assistants and other agents started as a local process. The caller is
 * the local user whose key the home holds (or the key given with --token); every call is a run
 * through the gate, exactly as over HTTP at /mcp/AGENT. Nothing but MCP messages is written to
 * stdout.
 */
export function registerMcp(program: Command): void {
  const mcp = program.command('mcp').description('Castellan and the Model Context Protocol');
  mcp
    .command('serve')
    .description("serve an agent's governed tools over MCP on stdio (HTTP: POST /mcp/AGENT)")
    .requiredOption('--agent <agent>', 'the agent whose tools to serve')
    .action(async (options: { agent: string }, command: Command) => {
      const { options: global, home } = globals(command);
      const service = await CastellanService.open(home);
      try {
        const actor =
          global.token !== undefined
            ? await service.authenticate(global.token)
            : global.as !== undefined
              ? await service.localUser(global.as)
              : undefined;
        if (actor === undefined)
          throw new ApiError(
            'bad-input',
            'mcp serve acts as a user: pass --as USER or --token KEY',
          );
        const server = createGovernedMcpServer(service, actor, options.agent, 'mcp-stdio');
        const transport = new StdioServerTransport();
        const closed = new Promise<void>((resolve) => {
          transport.onclose = () => resolve();
          process.stdin.once('end', () => resolve());
        });
        await server.connect(transport);
        await closed;
        await server.close();
      } finally {
        await service.close();
      }
      process.exitCode = EXIT.ok;
    });
}
