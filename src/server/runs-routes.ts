import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { startRunSchema, type CastellanService } from '../api/index.js';
import { actorOf } from './authenticate.js';
import type { EventStreams } from './event-streams.js';
import { jsonSchemaOf, openResponse, responses } from './json-schemas.js';
import {
  countParameter,
  idParamsSchema,
  listParameter,
  parseBody,
  parseParams,
  parseQuery,
  seqParameter,
} from './request-inputs.js';
import { streamRunEvents } from './run-events.js';

const RUN_STATUSES = [
  'queued',
  'running',
  'awaiting_approval',
  'completed',
  'failed',
  'denied',
  'cancelled',
  'needs_attention',
] as const;

const startQuerySchema = z
  .object({ mode: z.enum(['background', 'until-rest']).default('background') })
  .strict();
const listQuerySchema = z
  .object({
    status: listParameter(RUN_STATUSES).optional(),
    limit: countParameter(1000).optional(),
  })
  .strict();
const cancelBodySchema = z
  .object({ reason: z.string().min(1, 'a reason is required').max(2000) })
  .strict();
const eventsQuerySchema = z.object({ afterSeq: seqParameter.optional() }).strict();

/** Registers /runs: start, list, read, cancel, and the run's event stream. */
export function registerRunRoutes(
  app: FastifyInstance,
  service: CastellanService,
  streams: EventStreams,
): void {
  const tags = ['runs'];
  const params = jsonSchemaOf(idParamsSchema);

  app.post(
    '/runs',
    {
      schema: {
        summary:
          'Start a run; background answers 202 at once, until-rest 200 when it ends or waits for approval',
        tags,
        querystring: jsonSchemaOf(startQuerySchema),
        body: jsonSchemaOf(startRunSchema),
        response: responses({
          200: openResponse('the run view'),
          202: openResponse('the run view, just created'),
        }),
      },
    },
    async (request, reply) => {
      const { mode } = parseQuery(startQuerySchema, request.query);
      const view = await service.startRun(actorOf(request), request.body, mode);
      return reply.code(mode === 'background' ? 202 : 200).send(view);
    },
  );

  app.get(
    '/runs',
    {
      schema: {
        summary: 'List runs, newest first',
        tags,
        querystring: jsonSchemaOf(listQuerySchema),
        response: responses({ 200: openResponse('{ runs }') }),
      },
    },
    async (request) => {
      const filter = parseQuery(listQuerySchema, request.query);
      return { runs: await service.listRuns(actorOf(request), filter) };
    },
  );

  app.get(
    '/runs/:id',
    {
      schema: {
        summary: 'A run and its steps',
        tags,
        params,
        response: responses({ 200: openResponse('the run view') }),
      },
    },
    async (request) => {
      const { id } = parseParams(idParamsSchema, request.params);
      return service.getRun(actorOf(request), id);
    },
  );

  app.post(
    '/runs/:id/cancel',
    {
      schema: {
        summary: 'Cancel a run that has not ended',
        tags,
        params,
        body: jsonSchemaOf(cancelBodySchema),
        response: responses({ 200: openResponse('the run view') }),
      },
    },
    async (request) => {
      const { id } = parseParams(idParamsSchema, request.params);
      const { reason } = parseBody(cancelBodySchema, request.body, 'cancel request');
      return service.cancelRun(actorOf(request), id, reason);
    },
  );

  app.get(
    '/runs/:id/events',
    {
      schema: {
        summary:
          'Server-Sent Events: audit entries (event audit, id seq), status changes (event status), then end',
        tags,
        params,
        querystring: jsonSchemaOf(eventsQuerySchema),
        response: responses({
          200: {
            description: 'an event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
        }),
      },
    },
    async (request, reply) => {
      const { id } = parseParams(idParamsSchema, request.params);
      const query = parseQuery(eventsQuerySchema, request.query);
      const actor = actorOf(request);
      // Checked before the stream opens, so a missing run or permission is a plain error reply.
      await service.getRun(actor, id);
      const lastEventId = parseLastEventId(request.headers['last-event-id']);
      streamRunEvents(request, reply, {
        service,
        streams,
        actor,
        runId: id,
        afterSeq: query.afterSeq ?? lastEventId ?? 0,
      });
    },
  );
}

// Attacker-controlled: a malformed Last-Event-ID is ignored and the stream starts from the top.
function parseLastEventId(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !/^[0-9]{1,15}$/.test(header)) return undefined;
  return Number(header);
}
