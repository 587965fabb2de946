import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressLedger } from '../egress/egress-ledger.js';
import type { SandboxSpec } from '../port.js';
import { BwrapDriver } from './bwrap-driver.js';

/** The only target is a server on 127.0.0.1, allowed explicitly where a test needs it. */
let server: Server;
let port: number;
let hits: string[];

beforeAll(async () => {
  hits = [];
  server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url} ${request.headers.host}`);
    response.end(`served ${request.url}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const loopbackDriver = (extra: ConstructorParameters<typeof BwrapDriver>[0] = {}) =>
  new BwrapDriver({
    ...extra,
    egress: {
      allowHosts: [`localhost:${port}`],
      allowAddressRanges: ['127.0.0.0/8', '::1'],
      ...extra.egress,
    },
  });

const step = (command: string, extra: Partial<SandboxSpec> = {}): SandboxSpec => ({
  command: ['sh', '-c', command],
  timeoutMs: 10_000,
  maxOutputBytes: 64 * 1024,
  egress: { destinations: [{ host: 'localhost', port }], runId: 'run-egress' },
  ...extra,
});

describe('BwrapDriver egress', () => {
  it('reaches a declared and allowed destination through HTTP_PROXY, and reports the connection', async () => {
    const before = hits.length;
    const result = await loopbackDriver().run(
      step(`curl -sS http://localhost:${port}/one; curl -sS -p http://localhost:${port}/two`),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('served /one\nserved /two\n');
    expect(hits.slice(before)).toEqual([
      `GET /one localhost:${port}`,
      `GET /two localhost:${port}`,
    ]);
    expect(result.profile).toMatchObject({
      network: 'egress-proxy',
      egress: { permitted: [`localhost:${port}`], refused: [] },
    });
    expect(result.egress?.connections.map((entry) => [entry.method, entry.outcome])).toEqual([
      ['HTTP', 'allowed'],
      ['CONNECT', 'allowed'],
    ]);
    expect(result.egress?.bytesIn).toBeGreaterThan(0);
    expect(result.egress?.run).toMatchObject({ id: 'run-egress', budgetOut: 1024 * 1024 });
  });

  it('gives no proxy, and no network, when the allowlist permits none of the declared destinations', async () => {
    const driver = new BwrapDriver({ egress: { allowHosts: ['api.example.com:443'] } });
    const before = hits.length;
    const result = await driver.run(
      step(`echo "proxy=$HTTP_PROXY"; curl -sS -m 2 http://localhost:${port}/ || echo failed`),
    );
    expect(result.stdout).toContain('proxy=\n');
    expect(result.stdout).toContain('failed');
    expect(result.profile).toMatchObject({
      network: 'none',
      egress: { permitted: [], refused: [`localhost:${port}`] },
    });
    expect(result.egress).toBeUndefined();
    expect(hits.length).toBe(before);
  });

  it('sets the proxy variables over any the tool declares', async () => {
    const result = await loopbackDriver().run(
      step('echo "$HTTP_PROXY $https_proxy"', { env: { HTTP_PROXY: 'http://10.0.0.1:9' } }),
    );
    expect(result.stdout).toBe('http://127.0.0.1:3128 http://127.0.0.1:3128\n');
  });

  it('draws every step of a run from one budget', async () => {
    const ledger = new EgressLedger({ bytesOut: 10_000, bytesIn: 1024 * 1024 });
    const driver = loopbackDriver({ egress: { ledger } });
    const upload = `head -c 6000 /dev/zero | curl -sS -o /dev/null -w '%{http_code}\\n' --data-binary @- http://localhost:${port}/up || echo failed`;
    const first = await driver.run(step(upload));
    expect(first.stdout).toBe('200\n');
    const second = await driver.run(step(upload));
    expect(second.egress?.connections[0]).toMatchObject({ outcome: 'cut', reason: 'budget' });
    expect(second.egress?.run.bytesOut).toBeLessThanOrEqual(10_000);
    expect(ledger.account('run-egress').bytesOut).toBeLessThanOrEqual(10_000);
  });

  it('refuses steps with egress when socat is missing, naming the fix, and runs nothing', async () => {
    const driver = loopbackDriver({ socatPath: '/usr/nonexistent/socat' });
    await expect(driver.run(step('true'))).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/apt-get install socat/),
    });
  });

  it.each([
    ['a port out of range', { destinations: [{ host: 'x', port: 70_000 }], runId: 'r' }],
    ['a NUL in a host', { destinations: [{ host: 'a\0b', port: 80 }], runId: 'r' }],
    ['a run id with a slash', { destinations: [], runId: '../r' }],
  ])('rejects %s as bad-spec', async (_name, egress) => {
    await expect(loopbackDriver().run(step('true', { egress }))).rejects.toMatchObject({
      code: 'bad-spec',
    });
  });
});
