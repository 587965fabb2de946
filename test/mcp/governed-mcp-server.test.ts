/**
 * Castellan as an MCP server, tested with the MCP SDK's own client: over streamable HTTP at
 * /mcp/AGENT against a running server, and over stdio against `castellan mcp serve`. Calls act on
 * the real itops fleet, so their effects (or the absence of them) are checked on the fleet.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CastellanService,
  initHome,
  startItopsFleet,
  waitForIncident,
  type RunningFleet,
} from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';
import { createSupervisor } from '../../src/sandbox/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { REPO_ROOT } from '../support/cli.js';
import { patchConfig } from '../support/home.js';

const environment = readEnvironment({});
const supervisor = createSupervisor();
let home: string;
let fleet: RunningFleet;
let service: CastellanService;
let server: RunningServer;
let keys: Record<string, string>;
const clients: Client[] = [];

async function httpClient(agent: string, as: string | undefined): Promise<Client> {
  const client = new Client({ name: 'test-assistant', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`/mcp/${agent}`, server.url), {
    requestInit: as === undefined ? {} : { headers: { authorization: `Bearer ${keys[as]}` } },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

async function payments(): Promise<{ pid: number; healthy: boolean }> {
  const list = (await (await fetch(new URL('/services', fleet.url))).json()) as Array<{
    name: string;
    pid: number;
    healthy: boolean;
  }>;
  const found = list.find((service) => service.name === 'payments');
  if (found === undefined) throw new Error('no payments service');
  return found;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'castellan-mcp-'));
  await initHome(home, { environment });
  keys = (
    JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as {
      keys: Record<string, string>;
    }
  ).keys;
  fleet = await startItopsFleet(supervisor, join(home, 'fleet'));
  expect(await waitForIncident(fleet.url)).toBe('payments');
  patchConfig(home, { connectors: { 'itops-fleet': { url: fleet.url, logDir: fleet.logDir } } });
  service = await CastellanService.open(home, { environment });
  server = await startServer(service, { host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await server?.close();
  await service?.close();
  await supervisor.stopAll();
  rmSync(home, { recursive: true, force: true });
});

describe('MCP over streamable HTTP', () => {
  it('lists the governed tools the agent may use, with their schemas', async () => {
    const client = await httpClient('itops-agent', 'operator');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining([
        'castellan-itops__check-health',
        'castellan-itops__fleet-status',
        'castellan-itops__read-config',
        'castellan-itops__read-logs',
        'castellan-itops__restart-service',
        'castellan-itops__scan-logs',
      ]),
    );
    const restart = tools.find((tool) => tool.name === 'castellan-itops__restart-service');
    expect(restart?.inputSchema).toMatchObject({ required: ['service'] });
    expect(restart?.annotations).toMatchObject({
      readOnlyHint: false,
      title: '@castellan/itops/restart-service',
    });
    const readonly = await httpClient('itops-readonly', 'operator');
    expect((await readonly.listTools()).tools.map((tool) => tool.name)).not.toContain(
      'castellan-itops__restart-service',
    );
  });

  it('runs a call through the gate as the caller, as a run of its own', async () => {
    const client = await httpClient('itops-agent', 'operator');
    const result = await client.callTool({ name: 'castellan-itops__fleet-status', arguments: {} });
    expect(result.isError).toBeFalsy();
    const text = (result.content as Array<{ text: string }>)[0]?.text ?? '';
    expect(JSON.parse(text)).toMatchObject({ firstUnhealthy: 'payments' });
    const runId = (result._meta as Record<string, string>)['castellan/runId'] ?? '';
    const operator = await service.localUser('operator');
    const view = await service.getRun(operator, runId);
    expect(view.run).toMatchObject({
      requestedBy: 'operator',
      agentId: 'itops-agent',
      status: 'completed',
    });
    expect(view.run.planner).toMatchObject({ kind: 'direct', origin: 'mcp-http' });
    const types = (await service.runEventsSince(operator, runId, 0)).map((entry) => entry.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'run-created',
        'token-minted',
        'tool-call-allowed',
        'tool-call-succeeded',
      ]),
    );
  });

  it('returns an approval wait as a tool error with the reason, and nothing runs', async () => {
    const before = await payments();
    const client = await httpClient('itops-agent', 'operator');
    const result = await client.callTool({
      name: 'castellan-itops__restart-service',
      arguments: { service: 'payments' },
    });
    expect(result.isError).toBe(true);
    const text = (result.content as Array<{ text: string }>)[0]?.text ?? '';
    expect(text).toMatch(
      /^held for approval apr_[a-z0-9]+: 1 approval\(s\) by role approver are needed/,
    );
    expect((await payments()).pid).toBe(before.pid);
  });

  it('returns a denial as a tool error naming the stage and the reason', async () => {
    const client = await httpClient('itops-readonly', 'operator');
    const result = await client.callTool({
      name: 'castellan-itops__restart-service',
      arguments: { service: 'payments' },
    });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0]?.text).toMatch(
      /^denied by Castellan at authorize: .*lacks itops:service\.restart:payments/,
    );
  });

  it('refuses arguments that do not fit the schema at the gate', async () => {
    const client = await httpClient('itops-agent', 'operator');
    const result = await client.callTool({
      name: 'castellan-itops__check-health',
      arguments: { service: '../../etc' },
    });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0]?.text).toMatch(
      /denied by Castellan at resolve/,
    );
  });

  it('refuses a caller without a key, and a caller who may not start runs', async () => {
    await expect(httpClient('itops-agent', undefined)).rejects.toThrow(/401|credential|Bearer/i);
    const auditor = await httpClient('itops-agent', 'auditor');
    await expect(auditor.listTools()).rejects.toThrow(/may not run\.start/);
  });
});

describe('MCP over stdio', () => {
  it('serves the same governed tools from `castellan mcp serve`', async () => {
    const client = new Client({ name: 'stdio-assistant', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          '--import',
          'tsx',
          join(REPO_ROOT, 'src/cli/main.ts'),
          'mcp',
          'serve',
          '--agent',
          'itops-agent',
          '--as',
          'operator',
          '--home',
          home,
        ],
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
        stderr: 'pipe',
      }),
    );
    clients.push(client);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain(
      'castellan-itops__check-health',
    );
    const result = await client.callTool({
      name: 'castellan-itops__check-health',
      arguments: { service: 'web' },
    });
    expect(result.isError).toBeFalsy();
    expect(JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? '{}')).toMatchObject({
      healthy: true,
    });
    const denied = await client.callTool({ name: 'castellan-itops__nuke-fleet', arguments: {} });
    expect(denied.isError).toBe(true);
    expect((denied.content as Array<{ text: string }>)[0]?.text).toMatch(
      /denied by Castellan at resolve/,
    );
  }, 60_000);
});
