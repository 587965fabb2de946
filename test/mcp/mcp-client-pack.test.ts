/**
 * Castellan as an MCP client: an agent uses an external MCP server's tools through a pack whose
 * tools are pinned MCP tools. Each call goes through the whole gate; the server runs as a
 * sandboxed session; a server whose tool changed since the pin is refused at execute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CastellanService, initHome, SHIPPED_PACKS_DIR } from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';
import { REPO_ROOT } from '../support/cli.js';

const environment = readEnvironment({});
const FIXTURE_PACKS = join(REPO_ROOT, 'src/connectors/mcp/__fixtures__/packs');
let home: string;

function serverSettings(extra: string[] = []) {
  return {
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
  };
}

async function withService<T>(
  extra: string[],
  work: (service: CastellanService) => Promise<T>,
): Promise<T> {
  const service = await CastellanService.open(home, {
    environment,
    connectorSettings: serverSettings(extra),
  });
  try {
    return await work(service);
  } finally {
    await service.close();
  }
}

const script = [{ tool: '@test/mcp-test/add', args: { a: 2, b: 3 } }];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'castellan-mcp-client-'));
  await initHome(home, {
    environment,
    settings: { environment: 'dev', packs: { paths: [SHIPPED_PACKS_DIR, FIXTURE_PACKS] } },
  });
  await withService([], async (service) => {
    await service.store.agents.upsert({
      orgId: 'default',
      id: 'mcp-agent',
      description: 'Uses the test MCP server through a pinned pack.',
      owner: 'admin',
      environment: 'dev',
      packs: ['@test/mcp-test'],
      scopes: ['mcptest:number.add', 'mcptest:host.read'],
      planner: { kind: 'scripted' },
      createdAt: new Date().toISOString(),
    });
  });
}, 60_000);

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('an MCP pack through the gate', () => {
  it('calls the sandboxed server’s tool and records the pin and the sandbox', async () => {
    await withService([], async (service) => {
      const operator = await service.localUser('operator');
      const view = await service.startRun(operator, {
        agent: 'mcp-agent',
        prompt: 'add',
        planner: 'scripted',
        script,
      });
      expect(view.run.status).toBe('completed');
      expect(view.steps[0]?.result).toMatchObject({ structuredContent: { sum: 5 } });
      expect(view.run.tainted).toBe(true); // an external server's output is untrusted
      const entries = await service.runEventsSince(operator, view.run.id, 0);
      const done = entries.find((entry) => entry.type === 'tool-call-succeeded');
      expect(done?.details).toMatchObject({
        mcp: { server: 'testkit', tool: 'add', pin: expect.stringMatching(/^sha256:/) },
        sandbox: { driver: 'bwrap', network: 'none', uid: 1000 },
      });
    });
  }, 30_000);

  it('denies the call at execute when the server’s listing no longer matches the pin', async () => {
    await withService(['--poisoned'], async (service) => {
      const operator = await service.localUser('operator');
      const view = await service.startRun(operator, {
        agent: 'mcp-agent',
        prompt: 'add',
        planner: 'scripted',
        script,
      });
      expect(view.run.status).toBe('denied');
      expect(view.steps[0]?.decision).toMatchObject({ stage: 'execute', code: 'mcp-tool-changed' });
      expect(view.run.reason).toMatch(/changed since it was reviewed/);
    });
  }, 30_000);
});
