import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolManifestSchema } from '../../packs/index.js';
import { BwrapDriver, type EgressReport } from '../../sandbox/index.js';
import { itopsPack } from '../__fixtures__/calls.js';
import { ShellConnector, type ConnectorCall } from '../index.js';

/** The only network target is a server on 127.0.0.1, allowed explicitly for these tests. */
let root: string;
let server: Server;
let port: number;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'castellan-shell-declarations-'));
  server = createServer((_request, response) => response.end('status: green\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

/** A shell tool as a pack would declare it, parsed with the manifest schema. */
function callOfTool(connector: Record<string, unknown>): ConnectorCall {
  const tool = toolManifestSchema.parse({
    name: 'probe',
    description: 'a tool declaring limits and egress',
    args: { type: 'object' },
    scopes: [],
    resource: { type: 'Service', id: 'probe' },
    risk: 'low',
    connector: { kind: 'shell', ...connector },
  });
  return { pack: itopsPack, tool, args: {}, runId: 'run-decl', stepIndex: 0, settings: {} };
}

describe('ShellConnector with declared limits and egress', () => {
  let connector: ShellConnector;
  beforeAll(() => {
    connector = new ShellConnector(
      new BwrapDriver({
        limits: { openFiles: 128 },
        egress: { allowHosts: [`localhost:${port}`], allowAddressRanges: ['127.0.0.0/8', '::1'] },
      }),
      { workBase: join(root, 'work') },
    );
  });

  it('passes a tool’s limits to the sandbox, capped by the ceilings, and records them', async () => {
    const result = await connector.invoke(
      callOfTool({ command: ['sh', '-c', 'ulimit -n'], limits: { openFiles: 4096 } }),
    );
    expect(result.output).toMatchObject({ stdout: '128\n' });
    expect((result.details?.sandbox as { limits: string[] }).limits).toContain('nofile=128');
  });

  it('reaches a declared, allowed destination and puts the connection in the details', async () => {
    const result = await connector.invoke(
      callOfTool({
        command: ['curl', '-sS', `http://localhost:${port}/status`],
        egress: [{ host: 'localhost', port }],
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.output).toMatchObject({ stdout: 'status: green\n' });
    const egress = result.details?.egress as EgressReport;
    expect(egress.connections).toMatchObject([
      { destination: `localhost:${port}`, outcome: 'allowed' },
    ]);
    expect(egress.run.id).toBe('run-decl');
  });

  it('gives a tool that declares no egress no network, even to an allowed host', async () => {
    const result = await connector.invoke(
      callOfTool({ command: ['curl', '-sS', '-m', '2', `http://localhost:${port}/status`] }),
    );
    expect(result.ok).toBe(false);
    expect(result.details?.egress).toBeUndefined();
    expect((result.details?.sandbox as { network: string }).network).toBe('none');
  });

  it('rejects manifests whose limits or egress are malformed', () => {
    for (const connector of [
      { command: ['true'], limits: { processes: 0 } },
      { command: ['true'], limits: { threads: 4 } },
      { command: ['true'], egress: [{ host: '*.example.com', port: 443 }] },
      { command: ['true'], egress: [{ host: 'example.com', port: 0 }] },
    ]) {
      expect(() => callOfTool(connector), JSON.stringify(connector)).toThrow();
    }
  });
});
