/**
 * A run of the LLM planner streamed over SSE at /v1/runs/:id/events: besides the audit entries,
 * the stream carries what they mean (model text, proposed calls, decisions, results) and the
 * model's text as it streams, and an in-process run wakes the stream at once instead of at its
 * next poll.
 */
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
import { modelProfileSchema, readEnvironment } from '../../src/config/index.js';
import { createSupervisor } from '../../src/sandbox/index.js';
import { RUN_EVENTS_POLL_MS, startServer, type RunningServer } from '../../src/server/index.js';
import { readFixtures } from '../../targets/fake-model/fixtures.js';
import {
  startFakeModelServer,
  type FakeModelServer,
} from '../../targets/fake-model/fake-model-server.js';
import { REPO_ROOT } from '../support/cli.js';

const environment = readEnvironment({});
const supervisor = createSupervisor();
let home: string;
let fleet: RunningFleet;
let model: FakeModelServer;
let service: CastellanService;
let server: RunningServer;
let key: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'castellan-sse-'));
  await initHome(home, { environment });
  key = (
    JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as {
      keys: Record<string, string>;
    }
  ).keys.operator as string;
  fleet = await startItopsFleet(supervisor, join(home, 'fleet'));
  expect(await waitForIncident(fleet.url)).toBe('payments');
  model = await startFakeModelServer({
    fixtures: readFixtures([join(REPO_ROOT, 'test/__fixtures__/chat.json')]),
  });
  service = await CastellanService.open(home, {
    environment,
    connectorSettings: { 'itops-fleet': { url: fleet.url, logDir: fleet.logDir } },
    models: {
      default: modelProfileSchema.parse({
        provider: 'openai-compatible',
        model: 'fake-chat',
        endpoint: model.openAiBaseUrl,
        stream: true,
      }),
    },
  });
  server = await startServer(service, { host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await service?.close();
  await model?.close();
  await supervisor.stopAll();
  rmSync(home, { recursive: true, force: true });
});

async function frames(runId: string): Promise<Array<{ event: string; data: any; at: number }>> {
  const response = await fetch(new URL(`/v1/runs/${runId}/events`, server.url), {
    headers: { authorization: `Bearer ${key}` },
  });
  const text = await response.text();
  const started = Date.now();
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const event = /event: (.+)/.exec(block)?.[1] ?? 'message';
      const data = JSON.parse(/data: (.+)/.exec(block)?.[1] ?? 'null');
      return { event, data, at: started };
    });
}

describe('run events of an LLM run over SSE', () => {
  it('streams model text as it comes, the proposed call, the decision, the result and the end', async () => {
    const started = await fetch(new URL('/v1/runs?mode=background', server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        agent: 'itops-agent',
        prompt: 'which service is failing?',
        planner: 'llm',
      }),
    });
    expect(started.status).toBe(202);
    const { run } = (await started.json()) as { run: { id: string } };
    const clock = Date.now();
    const stream = await frames(run.id);
    const names = stream.map((frame) => frame.event);
    const order = ['model-text', 'proposed-call', 'decision', 'result', 'end'].map((name) =>
      names.indexOf(name),
    );
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const proposed = stream.find((frame) => frame.event === 'proposed-call');
    expect(proposed?.data).toMatchObject({ tool: '@castellan/itops/fleet-status', args: {} });
    const decision = stream.find((frame) => frame.event === 'decision');
    expect(decision?.data).toMatchObject({
      tool: '@castellan/itops/fleet-status',
      effect: 'allow',
    });
    expect(stream.at(-1)).toMatchObject({ event: 'end', data: { status: 'completed' } });
    // Every entry also comes as an audit frame, the record a client can resume from.
    expect(names.filter((name) => name === 'audit').length).toBeGreaterThanOrEqual(6);
    // Woken by the run rather than the poll: far fewer poll periods than there were entries.
    expect(Date.now() - clock).toBeLessThan(RUN_EVENTS_POLL_MS * 8);
  }, 30_000);

  it('forwards streamed model text live to a client already listening', async () => {
    const started = await fetch(new URL('/v1/runs?mode=background', server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        agent: 'itops-agent',
        prompt: 'tell me slowly what fails',
        planner: 'llm',
      }),
    });
    const { run } = (await started.json()) as { run: { id: string } };
    const stream = await frames(run.id);
    const deltas = stream
      .filter((frame) => frame.event === 'model-delta')
      .map((frame) => frame.data.text);
    // The last reply comes late (the fixture delays it), so it streams while the client listens.
    expect(deltas.join('')).toBe('payments is failing; web and api are healthy.');
  }, 30_000);
});
