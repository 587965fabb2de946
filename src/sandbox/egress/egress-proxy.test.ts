import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../__fixtures__/processes.js';
import { AddressAllowance } from './address-rules.js';
import { EgressLedger } from './egress-ledger.js';
import { StepProxy, type StepProxyOptions } from './egress-proxy.js';

/** Every target in these tests is on 127.0.0.1; nothing leaves the machine. */
let folder: ReturnType<typeof temporaryFolder>;
let http: HttpServer;
let httpPort: number;
let requests: Array<{ url: string; host: string; body: string }>;
let sink: Server;
let sinkPort: number;
let sinkBytes: number;
let sinkConnections: number;
let proxies: StepProxy[];

const listen = (server: Server | HttpServer): Promise<number> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );

beforeEach(async () => {
  folder = temporaryFolder();
  requests = [];
  proxies = [];
  http = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ url: request.url ?? '', host: request.headers.host ?? '', body });
      response.end(`hello from ${request.url}`);
    });
  });
  httpPort = await listen(http);
  sinkBytes = 0;
  sinkConnections = 0;
  // Echoes what it gets and counts it: the CONNECT tunnel's far end.
  sink = createServer((socket) => {
    sinkConnections += 1;
    socket.on('data', (chunk: Buffer) => {
      sinkBytes += chunk.length;
      socket.write(chunk);
    });
    socket.on('error', () => undefined);
  });
  sinkPort = await listen(sink);
});

afterEach(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  await new Promise((resolve) => sink.close(resolve));
  folder.remove();
});

async function startProxy(options: Partial<StepProxyOptions> = {}): Promise<StepProxy> {
  const proxy = await StepProxy.start({
    socketPath: join(folder.path, `proxy-${proxies.length}.sock`),
    permitted: [
      { host: 'localhost', port: httpPort },
      { host: '127.0.0.1', port: httpPort },
      { host: '127.0.0.1', port: sinkPort },
    ],
    allowance: new AddressAllowance(['127.0.0.0/8', '::1']),
    account: new EgressLedger({ bytesOut: 1024 * 1024, bytesIn: 1024 * 1024 }).account('run-1'),
    ...options,
  });
  proxies.push(proxy);
  return proxy;
}

/** Sends `data` over the proxy's socket and collects everything until the proxy closes. */
function exchange(proxy: StepProxy, proxyIndex: number, data: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection(join(folder.path, `proxy-${proxyIndex}.sock`));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.end(data);
  });
}

describe('StepProxy', () => {
  it('forwards an absolute-form request to an allowed destination with the checked Host, and counts its bytes', async () => {
    const proxy = await startProxy();
    const response = await exchange(
      proxy,
      0,
      `GET http://localhost:${httpPort}/status HTTP/1.1\r\nHost: elsewhere.example\r\n\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 200/);
    expect(response).toContain('hello from /status');
    expect(requests).toEqual([{ url: '/status', host: `localhost:${httpPort}`, body: '' }]);
    const [connection] = proxy.connections;
    expect(connection).toMatchObject({
      destination: `localhost:${httpPort}`,
      method: 'HTTP',
      outcome: 'allowed',
    });
    expect(['127.0.0.1', '::1']).toContain(connection?.address);
    expect(connection?.bytesIn).toBe(Buffer.byteLength(response, 'latin1'));
    expect(connection?.bytesOut).toBeGreaterThan(0);
    expect(proxy.bytesIn).toBe(connection?.bytesIn);
  });

  it('refuses the same loopback destination when loopback is not explicitly allowed, reaching nothing', async () => {
    const proxy = await startProxy({ allowance: new AddressAllowance([]) });
    const response = await exchange(
      proxy,
      0,
      `GET http://localhost:${httpPort}/status HTTP/1.1\r\n\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 403/);
    expect(response).toContain('forbidden-address:loopback');
    expect(requests).toEqual([]);
    expect(proxy.connections[0]).toMatchObject({ outcome: 'refused', bytesIn: 0, bytesOut: 0 });
  });

  it('tunnels CONNECT both ways and counts each direction', async () => {
    const proxy = await startProxy();
    const payload = 'x'.repeat(5000);
    const response = await exchange(
      proxy,
      0,
      `CONNECT 127.0.0.1:${sinkPort} HTTP/1.1\r\nHost: 127.0.0.1:${sinkPort}\r\n\r\n${payload}`,
    );
    expect(response).toBe(`HTTP/1.1 200 Connection established\r\n\r\n${payload}`);
    expect(proxy.connections[0]).toMatchObject({
      method: 'CONNECT',
      outcome: 'allowed',
      bytesOut: 5000,
      bytesIn: 5000,
    });
  });

  it('refuses a destination the step was not given, without connecting to it', async () => {
    const proxy = await startProxy({ permitted: [{ host: 'localhost', port: httpPort }] });
    const response = await exchange(proxy, 0, `CONNECT 127.0.0.1:${sinkPort} HTTP/1.1\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 403/);
    expect(proxy.connections[0]).toMatchObject({ reason: 'not-allowlisted', outcome: 'refused' });
    expect(sinkConnections).toBe(0);
  });

  it('refuses an allowed name that resolves to cloud metadata, even with loopback allowed', async () => {
    const proxy = await startProxy({
      permitted: [{ host: 'api.example.test', port: 80 }],
      resolve: () => Promise.resolve(['169.254.169.254']),
    });
    const response = await exchange(proxy, 0, 'GET http://api.example.test/ HTTP/1.1\r\n\r\n');
    expect(response).toContain('forbidden-address:metadata');
    expect(proxy.connections[0]).toMatchObject({ outcome: 'refused' });
    expect(proxy.connections[0]?.address).toBeUndefined();
  });

  it('connects to the one resolved address that passed the checks, never re-resolving', async () => {
    let lookups = 0;
    const proxy = await startProxy({
      permitted: [{ host: 'api.example.test', port: sinkPort }],
      allowance: new AddressAllowance(['127.0.0.1/32']),
      resolve: () => {
        lookups += 1;
        return Promise.resolve(['10.0.0.7', '127.0.0.1']);
      },
    });
    const response = await exchange(
      proxy,
      0,
      `CONNECT api.example.test:${sinkPort} HTTP/1.1\r\n\r\nhi`,
    );
    expect(response).toBe('HTTP/1.1 200 Connection established\r\n\r\nhi');
    expect(proxy.connections[0]?.address).toBe('127.0.0.1');
    expect(lookups).toBe(1);
  });

  it('cuts a connection when the run budget is spent, and refuses the run new connections', async () => {
    const ledger = new EgressLedger({ bytesOut: 1000, bytesIn: 1024 * 1024 });
    const first = await startProxy({ account: ledger.account('run-b') });
    await exchange(
      first,
      0,
      Buffer.concat([
        Buffer.from(`CONNECT 127.0.0.1:${sinkPort} HTTP/1.1\r\n\r\n`),
        Buffer.alloc(600, 1),
      ]),
    );
    expect(first.connections[0]).toMatchObject({ outcome: 'allowed', bytesOut: 600 });
    // The next step of the same run draws from the same budget.
    const second = await startProxy({ account: ledger.account('run-b') });
    await exchange(
      second,
      1,
      Buffer.concat([
        Buffer.from(`CONNECT 127.0.0.1:${sinkPort} HTTP/1.1\r\n\r\n`),
        Buffer.alloc(5000, 2),
      ]),
    );
    expect(second.connections[0]).toMatchObject({ outcome: 'cut', reason: 'budget' });
    expect(ledger.account('run-b').bytesOut).toBeLessThanOrEqual(1000);
    expect(sinkBytes).toBeLessThanOrEqual(1000);
    ledger.account('run-b').charge('out', 1000 - ledger.account('run-b').bytesOut);
    const third = await startProxy({ account: ledger.account('run-b') });
    const refused = await exchange(third, 2, `CONNECT 127.0.0.1:${sinkPort} HTTP/1.1\r\n\r\n`);
    expect(refused).toMatch(/^HTTP\/1\.1 403/);
    expect(third.connections[0]).toMatchObject({ outcome: 'refused', reason: 'budget' });
    // Another run has its own budget.
    expect(ledger.account('run-c').spent).toBe(false);
  });

  it('refuses a head larger than 16 KiB and a malformed request', async () => {
    const proxy = await startProxy();
    const huge = await exchange(proxy, 0, `GET http://localhost:${httpPort}/${'a'.repeat(20_000)}`);
    expect(huge).toMatch(/^HTTP\/1\.1 431/);
    const bad = await exchange(proxy, 0, 'GET /relative HTTP/1.1\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400/);
    expect(proxy.connections.map((entry) => entry.reason)).toEqual([
      'head-too-large',
      'not-absolute-form',
    ]);
    expect(requests).toEqual([]);
  });

  it('ends open tunnels when closed, so nothing outlives the step', async () => {
    const proxy = await startProxy();
    const socket = createConnection(join(folder.path, 'proxy-0.sock'));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => undefined);
    socket.write(`CONNECT 127.0.0.1:${sinkPort} HTTP/1.1\r\n\r\n`);
    await new Promise((resolve) => socket.once('data', resolve));
    await proxy.close();
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});
