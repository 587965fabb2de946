import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { decisionSchema, type CastellanService } from '../api/index.js';
import { actorOf } from './authenticate.js';
import { jsonSchemaOf, openResponse, responses } from './json-schemas.js';
import {
  idParameter,
  idParamsSchema,
  listParameter,
  parseParams,
  parseQuery,
} from './request-inputs.js';

const APPROVAL_STATUSES = ['pending', 'approved', 'denied', 'expired'] as const;

const listQuerySchema = z
  .object({ status: listParameter(APPROVAL_STATUSES).optional(), runId: idParameter.optional() })
  .strict();
const decideQuerySchema = z
  .object({ mode: z.enum(['until-rest', 'background']).default('until-rest') })
  .strict();

/** Registers /approvals: list, read, decide. */
export function registerApprovalRoutes(app: FastifyInstance, service: CastellanService): void {
  const tags = ['approvals'];
  const params = jsonSchemaOf(idParamsSchema);

  app.get(
    '/approvals',
    {
      schema: {
        summary: 'List approval requests, pending first',
        tags,
        querystring: jsonSchemaOf(listQuerySchema),
        response: responses({ 200: openResponse('{ approvals }') }),
      },
    },
    async (request) => {
      const filter = parseQuery(listQuerySchema, request.query);
      return { approvals: await service.listApprovals(actorOf(request), filter) };
    },
  );

  app.get(
    '/approvals/:id',
    {
      schema: {
        summary: 'An approval request and its decisions',
        tags,
        params,
        response: responses({ 200: openResponse('the approval view') }),
      },
    },
    async (request) => {
      const { id } = parseParams(idParamsSchema, request.params);
      return service.getApproval(actorOf(request), id);
    },
  );

  app.post(
    '/approvals/:id/decision',
    {
      schema: {
        summary:
          'Approve or deny; a settled request resumes its run (until-rest waits for it, background does not)',
        tags,
        params,
        querystring: jsonSchemaOf(decideQuerySchema),
        body: jsonSchemaOf(decisionSchema),
        response: responses({ 200: openResponse('the approval view with its run') }),
      },
    },
    async (request) => {
      const { id } = parseParams(idParamsSchema, request.params);
      const { mode } = parseQuery(decideQuerySchema, request.query);
      return service.decideApproval(actorOf(request), id, request.body, mode);
    },
  );
}
