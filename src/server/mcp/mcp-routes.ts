import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CastellanService } from '../../api/index.js';
import { actorOf, authenticationHook } from '../authenticate.js';
import { parseParams } from '../request-inputs.js';
import { createGovernedMcpServer } from './governed-mcp-server.js';

const agentParamsSchema = z
  .object({ agent: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'an agent name') })
  .strict();

/**
 * Castellan as an MCP server over streamable HTTP at `/mcp/<agent>`, behind the same bearer
 * authentication as `/v1`. Stateless: each POST gets its own server and transport bound to the
 * authenticated caller, so no session outlives the request that proved who is calling. Answers
 * come back as JSON (no server-initiated stream is offered: GET and DELETE answer 405).
 */
export async function registerMcpRoutes(
  app: FastifyInstance,
  service: CastellanService,
): Promise<void> {
  await app.register(
    async (mcp) => {
      mcp.addHook('onRequest', authenticationHook(service));
      mcp.post('/:agent', { schema: { hide: true } }, async (request, reply) => {
        const { agent } = parseParams(agentParamsSchema, request.params);
        const actor = actorOf(request);
        const server = createGovernedMcpServer(service, actor, agent, 'mcp-http');
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: undefined,
          enableJsonResponse: true,
        });
        reply.hijack();
        reply.raw.on('close', () => {
          void transport.close();
          void server.close();
        });
        await server.connect(transport);
        await transport.handleRequest(request.raw, reply.raw, request.body);
      });
      const notAllowed = async (_request: FastifyRequest, reply: FastifyReply) =>
        reply
          .code(405)
          .header('allow', 'POST')
          .send({
            error: {
              code: 'server/method-not-allowed',
              message: 'this MCP endpoint is stateless: POST only',
            },
          });
      mcp.get('/:agent', { schema: { hide: true } }, notAllowed);
      mcp.delete('/:agent', { schema: { hide: true } }, notAllowed);
    },
    { prefix: '/mcp' },
  );
}
