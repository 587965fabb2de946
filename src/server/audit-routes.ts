import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CastellanService } from '../api/index.js';
import { actorOf } from './authenticate.js';
import { jsonSchemaOf, openResponse, responses } from './json-schemas.js';
import { countParameter, idParameter, parseQuery, seqParameter } from './request-inputs.js';

const entriesQuerySchema = z
  .object({
    runId: idParameter.optional(),
    fromSeq: seqParameter.optional(),
    limit: countParameter(10_000).optional(),
  })
  .strict();
const noQuerySchema = z.object({}).strict();

/** Registers /audit: entries and chain verification. */
export function registerAuditRoutes(app: FastifyInstance, service: CastellanService): void {
  const tags = ['audit'];

  app.get(
    '/audit',
    {
      schema: {
        summary: 'Audit entries, all (from a seq, limited) or of one run',
        tags,
        querystring: jsonSchemaOf(entriesQuerySchema),
        response: responses({ 200: openResponse('{ entries }') }),
      },
    },
    async (request) => {
      const filter = parseQuery(entriesQuerySchema, request.query);
      return { entries: await service.auditEntries(actorOf(request), filter) };
    },
  );

  app.get(
    '/audit/verify',
    {
      schema: {
        summary: 'Recompute the audit hash chain',
        tags,
        response: responses({ 200: openResponse('the chain verification') }),
      },
    },
    async (request) => {
      parseQuery(noQuerySchema, request.query);
      return service.verifyAudit(actorOf(request));
    },
  );
}
