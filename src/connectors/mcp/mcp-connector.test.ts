import { join, resolve } from 'node:path';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPackFromDir, mcpToolDigest, type LoadedPack } from '../../packs/index.js';
import {
  BwrapDriver,
  BwrapSessionDriver,
  createSessionDriver,
  RefusingDriver,
} from '../../sandbox/index.js';
import { isProcessAlive } from '../../sandbox/process-group.js';
import { ConnectorError } from '../errors.js';
import type { ConnectorCall, ConnectorSettings } from '../port.js';
import { createTestServer, TOOLS } from './__fixtures__/mcp-test-tools.mjs';
import { McpConnector } from './mcp-connector.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const FIXTURES = join(import.meta.dirname, '__fixtures__');
const pack: LoadedPack = await loadPackFromDir(join(FIXTURES, 'packs/mcp-test'));
const connectors: McpConnector[] = [];

afterEach(async () => {
  for (const connector of connectors.splice(0)) await connector.close();
});

function callOf(
  tool: string,
  args: Record<string, unknown>,
  settings: ConnectorSettings,
): ConnectorCall {
  const loaded = pack.tools.get(tool);
  if (loaded === undefined) throw new Error(`no tool ${tool}`);
  return { pack, tool: loaded.manifest, args, runId: 'run_mcp', stepIndex: 0, settings };
}

/** A connector wired to an in-process server through the SDK's linked transports. */
function inProcess(options: { poisoned?: boolean } = {}) {
  const calls: unknown[] = [];
  const connector = new McpConnector({
    sessions: createSessionDriver(new RefusingDriver()),
    connect: async () => {
      const [client, server] = InMemoryTransport.createLinkedPair();
      await createTestServer({ poisoned: options.poisoned === true, calls }).connect(server);
      return client;
    },
  });
  connectors.push(connector);
  return { connector, calls };
}

const remoteSettings: ConnectorSettings = {
  mcp: { servers: { testkit: { url: 'http://127.0.0.1:9/mcp' } } },
};

describe('the MCP connector', () => {
  it('pins what the fixture pack records', () => {
    for (const tool of TOOLS) {
      const connector = pack.tools.get(tool.name)?.manifest.connector;
      expect(connector).toMatchObject({ kind: 'mcp', digest: mcpToolDigest(tool) });
    }
  });

  it('calls the server’s tool once its listing matches the pin', async () => {
    const { connector, calls } = inProcess();
    const result = await connector.invoke(callOf('add', { a: 2, b: 40 }, remoteSettings));
    expect(result).toMatchObject({ ok: true, output: { structuredContent: { sum: 42 } } });
    expect(calls).toEqual([{ name: 'add', arguments: { a: 2, b: 40 } }]);
  });

  it('refuses a tool whose description changed since it was pinned, and never calls it', async () => {
    const { connector, calls } = inProcess({ poisoned: true });
    const refused = connector.invoke(callOf('add', { a: 1, b: 1 }, remoteSettings));
    await expect(refused).rejects.toBeInstanceOf(ConnectorError);
    await expect(refused).rejects.toMatchObject({ code: 'mcp-tool-changed' });
    await expect(refused).rejects.toThrow(/changed since it was reviewed/);
    expect(calls).toEqual([]);
  });

  it('reports a tool error as a failed result with its text', async () => {
    const { connector } = inProcess();
    const result = await connector.invoke(callOf('fail', {}, remoteSettings));
    expect(result).toMatchObject({ ok: false, error: 'it broke' });
  });

  it('refuses a server the settings do not name', async () => {
    const { connector } = inProcess();
    await expect(connector.invoke(callOf('add', { a: 1, b: 2 }, {}))).rejects.toMatchObject({
      code: 'bad-settings',
      message: expect.stringMatching(/no MCP server "testkit"/),
    });
  });

  it('refuses to start a local server without a sandbox that can hold it', async () => {
    const connector = new McpConnector({ sessions: createSessionDriver(new RefusingDriver()) });
    connectors.push(connector);
    const settings = {
      mcp: { servers: { testkit: { command: ['/usr/bin/node', '/nowhere.mjs'] } } },
    };
    await expect(connector.invoke(callOf('add', { a: 1, b: 2 }, settings))).rejects.toThrow(
      /cannot run long-lived sessions/,
    );
  });
});

describe('a local MCP server in the sandbox, over stdio', () => {
  const settings = (extra: string[] = []): ConnectorSettings => ({
    mcp: {
      servers: {
        testkit: {
          command: [
            '/usr/bin/node',
            '/opt/castellan/src/connectors/mcp/__fixtures__/mcp-test-server.mjs',
            ...extra,
          ],
          mounts: [{ hostPath: REPO_ROOT, sandboxPath: '/opt/castellan', readOnly: true }],
        },
      },
    },
  });

  it('runs the server as uid 1000 without network, reuses it across calls, and stops it on close', async () => {
    const sessions = new BwrapSessionDriver(new BwrapDriver());
    let started = 0;
    const connector = new McpConnector({
      sessions: {
        startSession: async (spec) => {
          started += 1;
          return sessions.startSession(spec);
        },
      },
    });
    connectors.push(connector);
    const who = await connector.invoke(callOf('whoami', {}, settings()));
    expect(who.ok).toBe(true);
    const facts = (who.output as { structuredContent: Record<string, unknown> }).structuredContent;
    expect(facts).toMatchObject({ uid: 1000, hostname: 'sandbox' });
    expect(String(facts.network)).toMatch(/^unreachable/);
    expect(who.details).toMatchObject({ sandbox: { driver: 'bwrap', network: 'none' } });
    expect(String((who.details as { sandbox: { seccomp: string } }).sandbox.seccomp)).toMatch(
      /^castellan-seccomp/,
    );
    const sum = await connector.invoke(callOf('add', { a: 20, b: 22 }, settings()));
    expect(sum).toMatchObject({ ok: true, output: { structuredContent: { sum: 42 } } });
    expect(started).toBe(1);
    const pid = (
      connector as unknown as { open: Map<string, Promise<{ session: { pid: number } }>> }
    ).open;
    const session = await [...pid.values()][0];
    await connector.close();
    expect(isProcessAlive(session?.session.pid ?? 0)).toBe(false);
  }, 30_000);

  it('refuses the poisoned listing from a sandboxed server too', async () => {
    const connector = new McpConnector({ sessions: new BwrapSessionDriver(new BwrapDriver()) });
    connectors.push(connector);
    await expect(
      connector.invoke(callOf('add', { a: 1, b: 1 }, settings(['--poisoned']))),
    ).rejects.toMatchObject({
      code: 'mcp-tool-changed',
    });
  }, 30_000);
});
