import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { CastellanService } from '../api/index.js';
import { registerApprovalLinkRoutes } from './approval-link-routes.js';
import { registerApprovalRoutes } from './approvals-routes.js';
import { registerAuditRoutes } from './audit-routes.js';
import { authenticationHook } from './authenticate.js';
import { clientErrorHandler } from './client-errors.js';
import { httpErrorFor } from './error-mapping.js';
import { EventStreams } from './event-streams.js';
import { registerAccessRoutes } from './access-routes.js';
import { registerIdentityRoutes } from './identity-routes.js';
import { registerMcpRoutes } from './mcp/mcp-routes.js';
import { registerPublicRoutes } from './public-routes.js';
import { registerRunRoutes } from './runs-routes.js';

/** Options for building the HTTP server. */
export interface BuildServerOptions {
  /** Log requests and errors with pino (off by default, e.g. in tests). */
  logger?: boolean;
}

/**
 * Builds the Fastify app over the service: JSON only, bodies capped at the configured limit,
 * `/v1` behind API-key authentication, every error in one `{ error: { code, message } }` shape.
 */
export async function buildServer(
  service: CastellanService,
  options: BuildServerOptions = {},
): Promise<FastifyInstance> {
  const limits = { bodyLimitBytes: service.config.server.bodyLimitBytes };
  const app = Fastify({
    bodyLimit: limits.bodyLimitBytes,
    logger:
      options.logger === true ? { level: 'info', redact: ['req.headers.authorization'] } : false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    clientErrorHandler,
    // Router errors (a malformed URL) take the same path as every other error.
    frameworkErrors: (error, request, reply) => sendError(error, request, reply),
  });
  const streams = new EventStreams();

  // JSON is the only body type; text/plain and anything else answer 415.
  app.removeContentTypeParser('text/plain');
  // The route schemas describe the API in OpenAPI only: zod (here and in the service) is the one
  // validator, and responses are sent exactly as the service returns them.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const mapped = httpErrorFor(error, limits);
    if (mapped.internal) request.log.error({ err: error }, 'request failed');
    if (mapped.status === 401) void reply.header('www-authenticate', 'Bearer');
    return reply.code(mapped.status).type('application/json').send(mapped.body);
  }
  app.setErrorHandler(sendError);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'server/route-not-found',
        message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
      },
    }),
  );
  app.addHook('preClose', async () => streams.stopAll('server closing'));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Castellan API',
        version: '1',
        description: 'The governed agent platform: runs, approvals, audit.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'a Castellan API key (cst_...)' },
        },
      },
      security: [{ apiKey: [] }],
    },
  });

  registerPublicRoutes(app, service);
  await registerApprovalLinkRoutes(app, service);
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', authenticationHook(service));
      registerIdentityRoutes(v1, service);
      registerAccessRoutes(v1, service);
      registerRunRoutes(v1, service, streams);
      registerApprovalRoutes(v1, service);
      registerAuditRoutes(v1, service);
    },
    { prefix: '/v1' },
  );
  await registerMcpRoutes(app, service);
  await app.ready();
  return app;
}
