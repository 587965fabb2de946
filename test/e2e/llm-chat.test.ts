/**
 * The LLM planner as people use it from the CLI: `castellan run ... --planner llm --follow`
 * streams the model's text, its proposed calls, the gate's decisions and the results;
 * `castellan chat` keeps one conversation across runs. The model is the fake model server
 * (in this process), the tools act on the real itops fleet.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { readFixtures } from '../../targets/fake-model/fixtures.js';
import {
  startFakeModelServer,
  type FakeModelServer,
} from '../../targets/fake-model/fake-model-server.js';
import { castellan, REPO_ROOT } from '../support/cli.js';
import { patchConfig } from '../support/home.js';

const environment = readEnvironment({});
const supervisor = createSupervisor();
let home: string;
let fleet: RunningFleet;
let model: FakeModelServer;

/** Runs `castellan chat` with lines on its stdin. */
function chat(lines: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'src/cli/main.ts'),
        'chat',
        'itops-agent',
        '--as',
        'operator',
        '--home',
        home,
      ],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(`${lines.join('\n')}\n`);
  });
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'castellan-chat-'));
  await initHome(home, { environment });
  fleet = await startItopsFleet(supervisor, join(home, 'fleet'));
  expect(await waitForIncident(fleet.url)).toBe('payments');
  model = await startFakeModelServer({
    fixtures: readFixtures([join(REPO_ROOT, 'test/__fixtures__/chat.json')]),
  });
  patchConfig(home, {
    connectors: { 'itops-fleet': { url: fleet.url, logDir: fleet.logDir } },
    models: {
      default: { provider: 'openai-compatible', model: 'fake-chat', endpoint: model.openAiBaseUrl },
    },
  });
}, 60_000);

afterAll(async () => {
  await model?.close();
  await supervisor.stopAll();
  rmSync(home, { recursive: true, force: true });
});

describe('the LLM planner from the CLI', () => {
  it('streams a run with --follow: model text, the proposed call, the decision, the result', async () => {
    const result = await castellan([
      'run',
      'itops-agent',
      'which service is failing?',
      '--planner',
      'llm',
      '--follow',
      '--as',
      'operator',
      '--home',
      home,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    expect(at(/model: Let me look\./)).toBeGreaterThanOrEqual(0);
    expect(at(/→ proposes @castellan\/itops\/fleet-status \{\}/)).toBeGreaterThan(
      at(/model: Let me look\./),
    );
    expect(at(/✓ allowed @castellan\/itops\/fleet-status/)).toBeGreaterThan(at(/→ proposes/));
    expect(at(/← @castellan\/itops\/fleet-status succeeded/)).toBeGreaterThan(at(/✓ allowed/));
    expect(at(/model: payments is failing; web and api are healthy\./)).toBeGreaterThan(at(/← /));
    expect(at(/: completed/)).toBeGreaterThan(0);
  }, 60_000);

  it('streams the same run as JSON lines with --json', async () => {
    const result = await castellan([
      'run',
      'itops-agent',
      'which service is failing?',
      '--planner',
      'llm',
      '--follow',
      '--json',
      '--as',
      'operator',
      '--home',
      home,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event?: string; status?: string });
    const names = events.map((event) => event.event).filter(Boolean);
    expect(names).toEqual(
      expect.arrayContaining(['model-text', 'proposed-call', 'decision', 'result', 'status']),
    );
    expect(events.at(-1)).toMatchObject({ status: 'completed' });
  }, 60_000);

  it('keeps one conversation across the runs of a chat', async () => {
    const before = model.requests.length;
    const result = await chat(['which service is failing?', 'and the healthy ones?']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/itops-agent: payments is failing; web and api are healthy\./);
    expect(result.stdout).toMatch(/itops-agent: web and api, as the status showed\./);
    const followUp = model.requests
      .slice(before)
      .find((request) => request.exchange === 'follow-up');
    const messages = (followUp?.body.messages ?? []) as Array<{ role: string; content: unknown }>;
    expect(messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
    expect(String(messages[3]?.content)).toMatch(/trust="trusted"/);
  }, 60_000);

  it('lets only the same user continue a conversation, and only one that has ended', async () => {
    const service = await CastellanService.open(home, { environment });
    try {
      const operator = await service.localUser('operator');
      const first = await service.startRun(operator, {
        agent: 'itops-agent',
        prompt: 'which service is failing?',
        planner: 'llm',
      });
      expect(first.run.status).toBe('completed');
      const other = await service.localUser('operator2');
      await expect(
        service.startRun(other, {
          agent: 'itops-agent',
          prompt: 'and the healthy ones?',
          planner: 'llm',
          continueFrom: first.run.id,
        }),
      ).rejects.toThrow(/not an earlier conversation of yours/);
      const next = await service.startRun(operator, {
        agent: 'itops-agent',
        prompt: 'and the healthy ones?',
        planner: 'llm',
        continueFrom: first.run.id,
      });
      expect(next.run).toMatchObject({
        status: 'completed',
        reason: 'web and api, as the status showed.',
        tainted: false,
      });
      // The model's key is a reference in the settings; nothing of it is in the run's state.
      expect(JSON.stringify(next.run.planner)).not.toMatch(/apiKey|Bearer/);
      expect(readFileSync(join(home, 'castellan.json'), 'utf8')).not.toMatch(/sk-/);
    } finally {
      await service.close();
    }
  }, 60_000);
});
