/**
 * OIDC bearer tokens over HTTP, against a real oidc-provider: a person's token works and maps to
 * roles that Cedar then checks; every bad token, header or issuer answers 401, 403, 431 or 503
 * with a reason code, never 500.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CastellanService, initHome } from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';
import { ManualClock, type Clock } from '../../src/core/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { API_AUDIENCE, startTestIssuer, type TestIssuer } from '../support/oidc-issuer.js';
import { temporaryFolder } from '../support/home.js';

const environment = readEnvironment({});
const folder = temporaryFolder('castellan-oidc-http-');
const opened: Array<{ service: CastellanService; server: RunningServer }> = [];
let issuer: TestIssuer;
let main: RunningServer;

function oidcSettings(issuerUrl: string) {
  return {
    issuer: issuerUrl,
    audience: API_AUDIENCE,
    rolesClaim: 'groups',
    roleMapping: { 'castellan-operators': ['operator'], 'castellan-admins': ['admin'] },
    algorithms: ['RS256'],
    leewaySeconds: 30,
    fetchTimeoutMs: 500,
  };
}

/** A home and a listening server configured for an issuer, optionally on a skewed clock. */
async function serverFor(issuerUrl: string, clock?: Clock): Promise<RunningServer> {
  const home = join(folder.path, `home-${opened.length}`);
  await initHome(home, { environment, settings: { identity: { oidc: oidcSettings(issuerUrl) } } });
  const service = await CastellanService.open(home, { environment, ...(clock ? { clock } : {}) });
  const server = await startServer(service, { host: '127.0.0.1', port: 0 });
  opened.push({ service, server });
  return server;
}

beforeAll(async () => {
  issuer = await startTestIssuer();
  main = await serverFor(issuer.issuer);
}, 60_000);

afterAll(async () => {
  for (const { service, server } of opened) {
    await server.close();
    await service.close();
  }
  await issuer.close();
  folder.remove();
});

async function get(server: RunningServer, path: string, authorization?: string) {
  const response = await fetch(`${server.url}${path}`, {
    headers: authorization === undefined ? {} : { authorization },
  });
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body };
}

describe('OIDC over HTTP', () => {
  it('authenticates a person’s token and lets Cedar decide by the mapped roles', async () => {
    const operator = `Bearer ${await issuer.token('ops-app')}`;
    const whoami = await get(main, '/v1/whoami', operator);
    expect(whoami.status).toBe(200);
    expect(whoami.body).toMatchObject({ id: 'oidc:ops-app', roles: ['operator'] });
    expect((await get(main, '/v1/runs', operator)).status).toBe(200);
    const users = await get(main, '/v1/users', operator);
    expect(users.status).toBe(403);
    expect(users.body.error.code).toBe('api/forbidden');
    const admin = `Bearer ${await issuer.token('admin-app')}`;
    expect((await get(main, '/v1/users', admin)).status).toBe(200);
  });

  it.each([
    ['a malformed JWT', 'Bearer a.b.c', 401, 'identity/oidc-malformed'],
    ['garbage', 'Bearer not-a-credential', 401, 'identity/malformed-credential'],
    [
      'alg none',
      `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.e30.`,
      401,
      'identity/oidc-bad-algorithm',
    ],
    ['an oversized header', `Bearer ${'x'.repeat(9000)}`, 401, 'server/malformed-authorization'],
    [
      'a header past the HTTP limit',
      `Bearer ${'x'.repeat(20_000)}`,
      431,
      'server/headers-too-large',
    ],
    ['no credential', undefined, 401, 'server/missing-credential'],
  ])('refuses %s with %i %s', async (_name, authorization, status, code) => {
    const answer = await get(main, '/v1/whoami', authorization);
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
  });

  it('refuses a token for another audience', async () => {
    const token = await issuer.token('ops-app', 'https://elsewhere.test/api');
    const answer = await get(main, '/v1/whoami', `Bearer ${token}`);
    expect(answer).toMatchObject({
      status: 401,
      body: { error: { code: 'identity/oidc-wrong-audience' } },
    });
  });

  it('refuses clock skew beyond the leeway, either way', async () => {
    const token = `Bearer ${await issuer.token('ops-app')}`;
    const behind = await serverFor(issuer.issuer, new ManualClock(Date.now() - 10 * 60_000));
    expect((await get(behind, '/v1/whoami', token)).body.error.code).toBe(
      'identity/oidc-not-yet-valid',
    );
    const ahead = await serverFor(issuer.issuer, new ManualClock(Date.now() + 60 * 60_000));
    const expired = await get(ahead, '/v1/whoami', token);
    expect(expired).toMatchObject({
      status: 401,
      body: { error: { code: 'identity/oidc-expired' } },
    });
  });

  it('answers a garbage key set with 401 and an unreachable issuer with 503, never 500', async () => {
    const token = `Bearer ${await issuer.token('ops-app')}`;
    issuer.mode = 'garbage-jwks';
    try {
      const garbage = await serverFor(issuer.issuer);
      const answer = await get(garbage, '/v1/whoami', token);
      expect(answer).toMatchObject({
        status: 401,
        body: { error: { code: 'identity/oidc-jwks-invalid' } },
      });
    } finally {
      issuer.mode = 'normal';
    }
    const port = await closedPort();
    const down = await serverFor(`http://127.0.0.1:${port}`);
    const unreachable = await get(down, '/v1/whoami', token);
    expect(unreachable).toMatchObject({
      status: 503,
      body: { error: { code: 'identity/oidc-unavailable' } },
    });
    // Local API keys keep working while the issuer is down.
    const home = join(folder.path, `home-${opened.length - 1}`);
    const keys = JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')).keys;
    const local = await get(down, '/v1/whoami', `Bearer ${keys.operator}`);
    expect(local).toMatchObject({ status: 200, body: { id: 'operator' } });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
