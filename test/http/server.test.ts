import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CastellanService, initHome } from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';

const BODY_LIMIT = 8192;
const environment = readEnvironment({});

let home: string;
let service: CastellanService;
let server: RunningServer;
let keys: Record<string, string>;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'castellan-http-'));
  await initHome(home, { environment, settings: { server: { bodyLimitBytes: BODY_LIMIT } } });
  keys = (
    JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as {
      keys: Record<string, string>;
    }
  ).keys;
  service = await CastellanService.open(home, { environment });
  server = await startServer(service, { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  await service?.close();
  rmSync(home, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function call(
  method: string,
  path: string,
  options: {
    as?: string;
    json?: unknown;
    raw?: string;
    contentType?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.as !== undefined) headers.authorization = `Bearer ${keys[options.as] ?? options.as}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  } else if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

const unknownToolRun = {
  agent: 'itops-agent',
  prompt: 'try a tool that does not exist',
  planner: 'scripted',
  script: [{ tool: 'nope/nothing', args: {} }],
};

describe('public routes', () => {
  it('answers /healthz without a credential after pinging the store', async () => {
    const answer = await call('GET', '/healthz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ok: true });
  });

  it('describes every route in /openapi.json', async () => {
    const answer = await call('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(answer.body.paths);
    for (const path of [
      '/healthz',
      '/v1/whoami',
      '/v1/runs',
      '/v1/runs/{id}',
      '/v1/runs/{id}/cancel',
      '/v1/runs/{id}/events',
      '/v1/approvals',
      '/v1/approvals/{id}',
      '/v1/approvals/{id}/decision',
      '/v1/agents',
      '/v1/audit',
      '/v1/audit/verify',
      '/v1/doctor',
    ]) {
      expect(paths).toContain(path);
    }
    const body = answer.body.paths['/v1/runs'].post.requestBody.content['application/json'].schema;
    expect(body.properties.agent).toBeDefined();
    expect(answer.body.paths['/healthz'].get.security).toEqual([]);
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const answer = await call('GET', '/nowhere');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('server/route-not-found');
  });
});

describe('authentication and permission', () => {
  it('refuses a request without a credential with 401', async () => {
    const answer = await call('GET', '/v1/whoami');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('server/missing-credential');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses a bad key with 401', async () => {
    const answer = await call('GET', '/v1/whoami', { as: 'cst_notakey_000' });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toMatch(/^identity\//);
  });

  it('refuses an oversized Authorization header with 401 without parsing it', async () => {
    const answer = await call('GET', '/v1/whoami', {
      headers: { authorization: `Bearer ${'x'.repeat(9000)}` },
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toContain('too long');
  });

  it('refuses a non-bearer scheme with 401', async () => {
    const answer = await call('GET', '/v1/whoami', {
      headers: { authorization: `Basic ${keys.admin}` },
    });
    expect(answer.status).toBe(401);
  });

  it('tells a user who they are', async () => {
    const answer = await call('GET', '/v1/whoami', { as: 'operator' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: 'operator', roles: ['operator'] });
  });

  it('forbids an auditor to start a run with 403', async () => {
    const answer = await call('POST', '/v1/runs', { as: 'auditor', json: unknownToolRun });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('api/forbidden');
  });
});

describe('bad input', () => {
  it('answers a body that is not JSON with 400', async () => {
    const answer = await call('POST', '/v1/runs', { as: 'operator', raw: '{"agent": ' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: 'server/body-not-json',
      message: 'the request body is not valid JSON',
    });
  });

  it('answers an oversized body with 413', async () => {
    const answer = await call('POST', '/v1/runs', {
      as: 'operator',
      json: { ...unknownToolRun, prompt: 'x'.repeat(BODY_LIMIT) },
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('server/body-too-large');
    expect(answer.body.error.message).toContain(String(BODY_LIMIT));
  });

  it('answers a body of another content type with 415', async () => {
    const answer = await call('POST', '/v1/runs', {
      as: 'operator',
      raw: 'agent=itops-agent',
      contentType: 'text/plain',
    });
    expect(answer.status).toBe(415);
    expect(answer.body.error.code).toBe('server/unsupported-media-type');
  });

  it('answers a body that fails the schema with 400 naming the field', async () => {
    const answer = await call('POST', '/v1/runs', {
      as: 'operator',
      json: { agent: 'itops-agent', prompt: '' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('api/bad-input');
    expect(answer.body.error.message).toContain('prompt');
  });

  it('answers a bad query parameter with 400 naming it', async () => {
    const bad = await call('GET', '/v1/runs?limit=lots', { as: 'operator' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('"limit"');
    const unknown = await call('GET', '/v1/runs?colour=red', { as: 'operator' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('"colour"');
    const status = await call('GET', '/v1/runs?status=running,asleep', { as: 'operator' });
    expect(status.status).toBe(400);
    expect(status.body.error.message).toContain('"status"');
  });

  it('answers a badly encoded URL with 400 in the error shape', async () => {
    const answer = await call('GET', '/v1/runs/%ZZ', { as: 'operator' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('server/bad-url');
  });

  it('answers headers past the HTTP limit with 431 in the error shape', async () => {
    const answer = await call('GET', '/v1/whoami', {
      headers: { authorization: `Bearer ${'x'.repeat(20_000)}` },
    });
    expect(answer.status).toBe(431);
    expect(answer.body.error.code).toBe('server/headers-too-large');
  });

  it('answers an unknown run with 404', async () => {
    const answer = await call('GET', '/v1/runs/run_doesnotexist', { as: 'operator' });
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('api/not-found');
  });

  it('answers an unknown agent with 404', async () => {
    const answer = await call('POST', '/v1/runs', {
      as: 'operator',
      json: { ...unknownToolRun, agent: 'ghost' },
    });
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('api/unknown-agent');
  });
});

describe('runs over HTTP', () => {
  let runId: string;

  it('drives a scripted run with an unknown tool to denied', async () => {
    const answer = await call('POST', '/v1/runs?mode=until-rest', {
      as: 'operator',
      json: unknownToolRun,
    });
    expect(answer.status).toBe(200);
    runId = answer.body.run.id;
    expect(answer.body.run.status).toBe('denied');
    expect(answer.body.steps).toHaveLength(1);
    expect(answer.body.steps[0].decision).toMatchObject({ effect: 'deny', code: 'unknown-tool' });
    expect(answer.body.steps[0].decision.reason).toContain('no such tool');
  });

  it('reads and lists the run', async () => {
    const one = await call('GET', `/v1/runs/${runId}`, { as: 'auditor' });
    expect(one.status).toBe(200);
    expect(one.body.run.id).toBe(runId);
    const list = await call('GET', '/v1/runs?status=denied&limit=5', { as: 'operator' });
    expect(list.status).toBe(200);
    expect(list.body.runs.map((run: { id: string }) => run.id)).toContain(runId);
  });

  it('starts a background run with 202', async () => {
    const answer = await call('POST', '/v1/runs', { as: 'operator', json: unknownToolRun });
    expect(answer.status).toBe(202);
    expect(answer.body.run.id).toMatch(/\S/);
    await service.settle();
  });

  it('streams the run as server-sent events that end', async () => {
    const response = await fetch(`${server.url}/v1/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${keys.auditor}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = parseEvents(await response.text());
    const audit = events.filter((event) => event.event === 'audit');
    const expected = await call('GET', `/v1/audit?runId=${runId}`, { as: 'auditor' });
    expect(audit.map((event) => Number(event.id))).toEqual(
      expected.body.entries.map((entry: { seq: number }) => entry.seq),
    );
    expect(audit.length).toBeGreaterThan(0);
    expect(
      events.some(
        (event) =>
          event.event === 'status' &&
          (JSON.parse(event.data) as { status: string }).status === 'denied',
      ),
    ).toBe(true);
    expect(events.at(-1)?.event).toBe('end');
  });

  it('refuses a stream of an unknown run with 404 before streaming', async () => {
    const answer = await call('GET', '/v1/runs/run_missing/events', { as: 'auditor' });
    expect(answer.status).toBe(404);
  });

  it('refuses to cancel without a reason, naming the field', async () => {
    const answer = await call('POST', `/v1/runs/${runId}/cancel`, { as: 'operator', json: {} });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('reason');
  });
});

describe('audit, agents, approvals, doctor', () => {
  it('verifies the audit chain', async () => {
    const answer = await call('GET', '/v1/audit/verify', { as: 'auditor' });
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(true);
    expect(answer.body.entries).toBeGreaterThan(0);
  });

  it('lists audit entries from a seq with a limit', async () => {
    const answer = await call('GET', '/v1/audit?fromSeq=1&limit=2', { as: 'auditor' });
    expect(answer.status).toBe(200);
    expect(answer.body.entries).toHaveLength(2);
    expect(answer.body.entries[0].seq).toBe(1);
  });

  it('lists the agents', async () => {
    const answer = await call('GET', '/v1/agents', { as: 'operator' });
    expect(answer.status).toBe(200);
    expect(answer.body.agents.map((agent: { id: string }) => agent.id)).toContain('itops-agent');
  });

  it('lists approvals and answers an unknown one with 404', async () => {
    const list = await call('GET', '/v1/approvals?status=pending', { as: 'approver' });
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body.approvals)).toBe(true);
    const missing = await call('POST', '/v1/approvals/apr_missing/decision', {
      as: 'approver',
      json: { decision: 'approve' },
    });
    expect(missing.status).toBe(404);
  });

  it('runs the doctor for an authenticated user only', async () => {
    expect((await call('GET', '/v1/doctor')).status).toBe(401);
    const answer = await call('GET', '/v1/doctor', { as: 'admin' });
    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.body.checks)).toBe(true);
  });
});

interface StreamEvent {
  event: string;
  id?: string;
  data: string;
}

function parseEvents(text: string): StreamEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim().length > 0 && !block.startsWith(':'))
    .map((block) => {
      const event: StreamEvent = { event: 'message', data: '' };
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).trimStart();
        if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
        else if (field === 'data') event.data += value;
      }
      return event;
    });
}
