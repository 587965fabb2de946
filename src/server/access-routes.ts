import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CastellanService } from '../api/index.js';
import { actorOf } from './authenticate.js';
import { jsonSchemaOf, openResponse, responses } from './json-schemas.js';
import {
  idParameter,
  idParamsSchema,
  listParameter,
  parseParams,
  parseQuery,
} from './request-inputs.js';

const REQUEST_STATUSES = ['pending', 'approved', 'denied', 'expired'] as const;
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const modeQuery = z
  .object({ mode: z.enum(['until-rest', 'background']).default('until-rest') })
  .strict();
const keysQuery = z.object({ user: idParameter.optional() }).strict();
const grantsQuery = z
  .object({ agent: idParameter.optional(), run: idParameter.optional(), active: flag.optional() })
  .strict();
const requestsQuery = z
  .object({ status: listParameter(REQUEST_STATUSES).optional(), run: idParameter.optional() })
  .strict();
const tokensQuery = z
  .object({
    run: idParameter.optional(),
    agent: idParameter.optional(),
    user: idParameter.optional(),
    active: flag.optional(),
  })
  .strict();

/**
 * Registers identity and access: users and API keys, grants and scope requests, tokens and
 * the kill switch. Bodies are parsed by the service (zod); every route is authorized there.
 */
export function registerAccessRoutes(app: FastifyInstance, service: CastellanService): void {
  const params = jsonSchemaOf(idParamsSchema);
  const described = (summary: string, tags: string[], extra: Record<string, unknown> = {}) => ({
    schema: { summary, tags, ...extra, response: responses({ 200: openResponse(summary) }) },
  });
  const id = (raw: unknown) => parseParams(idParamsSchema, raw).id;
  const accounts = () => service.access.accounts;
  const grants = () => service.access.grants;
  const revocation = () => service.access.revocation;

  app.get('/users', described('Users, local and from OIDC', ['identity']), async (request) => ({
    users: await accounts().listUsers(actorOf(request)),
  }));
  app.post('/users', described('Create a local account', ['identity']), async (request) =>
    accounts().createUser(actorOf(request), request.body),
  );
  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(
      `/users/:id/${verb}`,
      described(`${verb} a user`, ['identity'], { params }),
      async (request) => accounts().setUserDisabled(actorOf(request), id(request.params), disabled),
    );
  }

  app.get(
    '/keys',
    described('API keys without their secrets', ['identity'], {
      querystring: jsonSchemaOf(keysQuery),
    }),
    async (request) => ({
      keys: await accounts().listApiKeys(actorOf(request), parseQuery(keysQuery, request.query)),
    }),
  );
  app.post(
    '/keys',
    described('Issue an API key; its secret is shown this once', ['identity']),
    async (request) => accounts().createApiKey(actorOf(request), request.body),
  );
  app.post(
    '/keys/:id/revoke',
    described('Revoke an API key', ['identity'], { params }),
    async (request) => accounts().revokeApiKey(actorOf(request), id(request.params), request.body),
  );

  app.get(
    '/grants',
    described('Standing and just-in-time grants', ['grants'], {
      querystring: jsonSchemaOf(grantsQuery),
    }),
    async (request) => ({
      grants: await grants().listGrants(actorOf(request), parseQuery(grantsQuery, request.query)),
    }),
  );
  app.post(
    '/grants/:id/revoke',
    described('Revoke a grant and its tokens', ['grants'], { params }),
    async (request) => grants().revoke(actorOf(request), id(request.params), request.body),
  );
  app.get(
    '/scope-requests',
    described('Scope requests, newest first', ['grants'], {
      querystring: jsonSchemaOf(requestsQuery),
    }),
    async (request) => ({
      requests: await grants().listRequests(
        actorOf(request),
        parseQuery(requestsQuery, request.query),
      ),
    }),
  );
  app.post(
    '/scope-requests',
    described('Ask for a standing or just-in-time scope', ['grants']),
    async (request) => grants().request(actorOf(request), request.body),
  );
  app.post(
    '/scope-requests/:id/decision',
    described('Approve (optionally narrower) or deny; a waiting run resumes', ['grants'], {
      params,
      querystring: jsonSchemaOf(modeQuery),
    }),
    async (request) => {
      const { mode } = parseQuery(modeQuery, request.query);
      return grants().decide(actorOf(request), id(request.params), request.body, mode);
    },
  );

  app.get(
    '/tokens',
    described('Issued capability tokens (claims, never the token)', ['tokens'], {
      querystring: jsonSchemaOf(tokensQuery),
    }),
    async (request) => ({
      tokens: await revocation().listTokens(
        actorOf(request),
        parseQuery(tokensQuery, request.query),
      ),
    }),
  );
  app.post(
    '/tokens/revoke',
    described('Revoke a token, or all of an agent, user or run', ['tokens']),
    async (request) => revocation().revokeTokens(actorOf(request), request.body),
  );
  app.get('/killswitch', described('The kill switch', ['tokens']), async (request) =>
    revocation().killSwitch(actorOf(request)),
  );
  app.post(
    '/killswitch',
    described('Turn the kill switch on or off (security admins)', ['tokens']),
    async (request) => revocation().setKillSwitch(actorOf(request), request.body),
  );
}
