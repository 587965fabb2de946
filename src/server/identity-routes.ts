import type { FastifyInstance } from 'fastify';
import type { CastellanService } from '../api/index.js';
import { actorOf } from './authenticate.js';
import { openResponse, responses } from './json-schemas.js';

/** Registers who-am-I, the agents, and the doctor: the small read-only control-plane routes. */
export function registerIdentityRoutes(app: FastifyInstance, service: CastellanService): void {
  app.get(
    '/whoami',
    {
      schema: {
        summary: 'The authenticated user',
        tags: ['identity'],
        response: responses({ 200: openResponse('the user record') }),
      },
    },
    async (request) => actorOf(request),
  );

  app.get(
    '/agents',
    {
      schema: {
        summary: 'The agents of the organisation',
        tags: ['agents'],
        response: responses({ 200: openResponse('{ agents }') }),
      },
    },
    async (request) => ({
      agents: await service.listAgents(actorOf(request)),
    }),
  );

  app.get(
    '/doctor',
    {
      schema: {
        summary: 'Check every control: store, keys, policy, packs, sandbox',
        tags: ['health'],
        response: responses({ 200: openResponse('the checks') }),
      },
    },
    async (request) => {
      return service.doctor(actorOf(request));
    },
  );
}
