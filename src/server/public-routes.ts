import type { FastifyInstance } from 'fastify';
import type { CastellanService } from '../api/index.js';
import { ServerError } from './errors.js';
import { openResponse, responses } from './json-schemas.js';

/** How long /healthz waits for the store before it calls it unavailable. */
export const HEALTH_STORE_TIMEOUT_MS = 2000;

/** Registers the routes that need no credential: /healthz and /openapi.json. */
export function registerPublicRoutes(app: FastifyInstance, service: CastellanService): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness, with a ping of the store',
        tags: ['health'],
        security: [],
        response: responses({ 200: openResponse('{ ok: true }') }),
      },
    },
    async () => {
      await pingWithin(service, HEALTH_STORE_TIMEOUT_MS);
      return { ok: true };
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

async function pingWithin(service: CastellanService, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ServerError('store-unavailable', `the store did not answer within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([service.store.ping(), timeout]);
  } catch (error) {
    if (error instanceof ServerError) throw error;
    throw new ServerError('store-unavailable', 'the store does not answer', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
