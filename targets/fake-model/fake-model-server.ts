/**
 * A local stand-in for a model provider (not part of Castellan): it replays recorded exchanges
 * over the OpenAI chat-completions API (whole or streamed) and Anthropic's messages API, so the
 * LLM planner, the demo, the tests and the benchmark run against real HTTP without a real model.
 * It keeps every request it answered, for tests that check what the model was shown.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { anthropicBody, anthropicFacts } from './anthropic-format.js';
import { matches, type Fixture, type Reply, type RequestFacts } from './fixtures.js';
import { openAiBody, openAiChunks, openAiFacts } from './openai-format.js';

/** One request the server answered. */
export interface RecordedRequest {
  path: string;
  /** The credential headers as received (this is a test double: nothing here is real). */
  credentials: { authorization?: string; apiKey?: string; xApiKey?: string };
  body: Record<string, unknown>;
  facts: RequestFacts;
  exchange: string | undefined;
  status: number;
}

/** A running fake model server. */
export interface FakeModelServer {
  url: string;
  /** The base URL an OpenAI-compatible profile uses. */
  openAiBaseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;

/** Starts the server on a free port of 127.0.0.1 (or the given one). */
export async function startFakeModelServer(options: {
  fixtures: Fixture[];
  port?: number;
  /** When set, requests without this key (bearer, api-key or x-api-key) get a 401. */
  requireKey?: string;
}): Promise<FakeModelServer> {
  const exchanges = options.fixtures.flatMap((fixture) => fixture.exchanges);
  const served = new Map<number, number>();
  const requests: RecordedRequest[] = [];
  let counter = 0;

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    if (request.method === 'GET' && path === '/_requests') return send(response, 200, {}, requests);
    const anthropic = path.endsWith('/messages');
    if (request.method !== 'POST' || (!anthropic && !path.endsWith('/chat/completions')))
      return send(response, 404, {}, { error: { message: `no route ${request.method} ${path}` } });
    const body = JSON.parse(await readBody(request)) as Record<string, unknown>;
    const facts = anthropic ? anthropicFacts(body) : openAiFacts(body);
    const credentials = {
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      ...(typeof request.headers['api-key'] === 'string'
        ? { apiKey: request.headers['api-key'] }
        : {}),
      ...(typeof request.headers['x-api-key'] === 'string'
        ? { xApiKey: request.headers['x-api-key'] }
        : {}),
    };
    const record: RecordedRequest = {
      path,
      credentials,
      body,
      facts,
      exchange: undefined,
      status: 200,
    };
    requests.push(record);
    if (
      options.requireKey !== undefined &&
      !Object.values(credentials).some(
        (value) => value === options.requireKey || value === `Bearer ${options.requireKey}`,
      )
    ) {
      record.status = 401;
      return send(
        response,
        401,
        {},
        { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } },
      );
    }
    const index = exchanges.findIndex((exchange) => matches(exchange, facts));
    const exchange = exchanges[index];
    if (exchange === undefined) {
      record.status = 400;
      return send(
        response,
        400,
        {},
        {
          error: {
            message: `no recorded exchange for turn ${facts.turn} of "${facts.lastUser.slice(0, 80)}"`,
          },
        },
      );
    }
    const count = served.get(index) ?? 0;
    served.set(index, count + 1);
    const reply = exchange.replies[Math.min(count, exchange.replies.length - 1)] as Reply;
    record.exchange = exchange.name ?? String(index);
    record.status = reply.status;
    if (reply.delayMs > 0) await delay(reply.delayMs);
    if (response.destroyed) return;
    counter += 1;
    const id = `${anthropic ? 'msg' : 'chatcmpl'}-fake-${counter}`;
    if (reply.status !== 200 || reply.body !== undefined)
      return send(response, reply.status, reply.headers, reply.body ?? {});
    if (anthropic) return send(response, 200, reply.headers, anthropicBody(reply, id));
    if (body.stream === true) {
      const includeUsage =
        (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        ...reply.headers,
      });
      for (const event of openAiChunks(reply, id, includeUsage))
        response.write(`data: ${event}\n\n`);
      response.end('data: [DONE]\n\n');
      return;
    }
    return send(response, 200, reply.headers, openAiBody(reply, id));
  };

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, {}, { error: { message: String(error) } });
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('fake model server has no port');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    openAiBaseUrl: `${url}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: unknown,
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
