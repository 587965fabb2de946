/**
 * Local API keys over HTTP: shown once, stored only as a hash, listed without their secret,
 * expiring and revocable, managed by admins only; bad requests change nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CastellanService, initHome } from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';
import { ManualClock, sha256Hex } from '../../src/core/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { temporaryFolder } from '../support/home.js';

const environment = readEnvironment({});
const folder = temporaryFolder('castellan-keys-');
const clock = new ManualClock(Date.now());
let service: CastellanService;
let server: RunningServer;
let keys: Record<string, string>;

beforeAll(async () => {
  const home = join(folder.path, 'home');
  await initHome(home, { environment });
  keys = JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')).keys;
  service = await CastellanService.open(home, { environment, clock });
  server = await startServer(service, { host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await service?.close();
  folder.remove();
});

async function call(method: string, path: string, bearer: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('API keys over HTTP', () => {
  it('shows a new key once, stores only its hash, and lists it without any secret', async () => {
    const created = await call('POST', '/v1/keys', keys.admin!, {
      user: 'operator',
      label: 'ci pipeline',
      expiresInSeconds: 3600,
    });
    expect(created.status).toBe(200);
    const presented = created.body.key as string;
    expect(presented).toMatch(/^cst_key_/);
    expect(created.body.record).not.toHaveProperty('secretHash');
    const whoami = await call('GET', '/v1/whoami', presented);
    expect(whoami.body).toMatchObject({ id: 'operator' });

    const stored = await service.store.apiKeys.get('default', created.body.record.id);
    expect(stored?.secretHash).toBe(sha256Hex(presented.slice(`cst_${stored?.id}_`.length)));
    const listed = await call('GET', '/v1/keys?user=operator', keys.auditor!);
    expect(listed.status).toBe(200);
    const text = JSON.stringify(listed.body);
    expect(text).toContain(created.body.record.id);
    expect(text).not.toContain('secretHash');
    expect(text).not.toContain(presented.slice(-20));
  });

  it('refuses a key once it is revoked, and once it has expired', async () => {
    const revoked = (
      await call('POST', '/v1/keys', keys.admin!, { user: 'operator', label: 'to revoke' })
    ).body;
    const answer = await call('POST', `/v1/keys/${revoked.record.id}/revoke`, keys.admin!, {
      reason: 'laptop lost',
    });
    expect(answer.body.revokedAt).not.toBeNull();
    const refused = await call('GET', '/v1/whoami', revoked.key);
    expect(refused).toMatchObject({
      status: 401,
      body: { error: { code: 'identity/revoked-key' } },
    });

    const short = (
      await call('POST', '/v1/keys', keys.admin!, {
        user: 'operator',
        label: 'short',
        expiresInSeconds: 60,
      })
    ).body;
    expect((await call('GET', '/v1/whoami', short.key)).status).toBe(200);
    clock.advance(61_000);
    const expired = await call('GET', '/v1/whoami', short.key);
    expect(expired).toMatchObject({
      status: 401,
      body: { error: { code: 'identity/expired-key' } },
    });
  });

  it('lets only admins issue or revoke keys', async () => {
    const attempt = await call('POST', '/v1/keys', keys.operator!, {
      user: 'operator',
      label: 'x',
    });
    expect(attempt).toMatchObject({ status: 403, body: { error: { code: 'api/forbidden' } } });
    const before = (await call('GET', '/v1/keys?user=operator', keys.admin!)).body.keys.length;
    expect(before).toBeGreaterThan(0);
  });

  it.each([
    ['an unknown user', { user: 'nobody', label: 'x' }, 404],
    ['an empty label', { user: 'operator', label: '' }, 400],
    ['a lifetime under a minute', { user: 'operator', label: 'x', expiresInSeconds: 10 }, 400],
    ['an unknown field', { user: 'operator', label: 'x', admin: true }, 400],
    ['no body', undefined, 400],
  ])('refuses %s and creates nothing', async (_name, body, status) => {
    const before = (await service.store.apiKeys.listForUser('default', 'operator')).length;
    const answer = await call('POST', '/v1/keys', keys.admin!, body);
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toMatch(/^api\//);
    expect((await service.store.apiKeys.listForUser('default', 'operator')).length).toBe(before);
  });
});
