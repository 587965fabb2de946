/**
 * Wall time of one tool-call turn through the whole platform, on a warm server: the client
 * starts runs over the HTTP API (`castellan serve` in its own process); the LLM planner asks the
 * fake model server (this process, OpenAI-compatible HTTP) for the next call; the gate decides
 * (token, Cedar, data guard); the shell connector runs the tool in bubblewrap (seccomp, limits);
 * the intent and the outcome are appended to the audit log; the result reaches the client as an
 * SSE event. A turn is the time between two consecutive result events of one run at the client,
 * so each covers one model call, one gate pass, one sandboxed process, its audit entries and the
 * event. Baselines measured in the same run: the same turns with the scripted planner (no model
 * call), and one bare sandboxed `/usr/bin/true`. Prints one JSON line.
 *
 *   npx tsx bench/runtime.ts [turns=250] [callsPerRun=11]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CastellanService, initHome, SHIPPED_PACKS_DIR } from '../src/api/index.js';
import { readEnvironment } from '../src/config/index.js';
import { BwrapDriver } from '../src/sandbox/index.js';
import type { Fixture } from '../targets/fake-model/fixtures.js';
import { startFakeModelServer } from '../targets/fake-model/fake-model-server.js';
import { summarise } from './stats.js';

const TURNS = Number(process.argv[2] ?? 250);
const CALLS_PER_RUN = Number(process.argv[3] ?? 11);
const WARMUP_RUNS = 2;
const ROOT = resolve(import.meta.dirname, '..');

/** The recorded exchange the model replays: call tick n times, then report. */
function benchFixture(calls: number): Fixture {
  const turn = (n: number) => ({
    match: { user: 'bench', turn: n },
    replies: [
      {
        status: 200,
        headers: {},
        delayMs: 0,
        model: 'fake-bench-2025-06-01',
        usage: { input: 300, output: 12 },
        message: { content: '', toolCalls: [{ name: 'bench-bench__tick', arguments: { n } }] },
      },
    ],
  });
  return {
    description: 'bench: call tick, again and again, then stop',
    exchanges: [
      ...Array.from({ length: calls }, (_, n) => turn(n)),
      {
        match: { user: 'bench', turn: { min: calls } },
        replies: [
          {
            status: 200,
            headers: {},
            delayMs: 0,
            model: 'fake-bench-2025-06-01',
            usage: { input: 300, output: 5 },
            message: { content: 'done', toolCalls: [] },
          },
        ],
      },
    ],
  };
}

function serve(home: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'src/cli/main.ts'),
        'serve',
        '--home',
        home,
        '--port',
        '0',
        '--json',
      ],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((candidate) => candidate.includes('listening'));
      if (line !== undefined)
        resolvePromise({ url: (JSON.parse(line) as { listening: string }).listening, child });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

/** Starts one run and returns the client-side times of its result events. */
async function timedRun(
  url: string,
  key: string,
  body: Record<string, unknown>,
): Promise<{ runId: string; started: number; results: number[]; status: string }> {
  const started = performance.now();
  const answer = await fetch(new URL('/v1/runs?mode=background', url), {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const { run } = (await answer.json()) as { run: { id: string } };
  const stream = await fetch(new URL(`/v1/runs/${run.id}/events`, url), {
    headers: { authorization: `Bearer ${key}` },
  });
  const results: number[] = [];
  let status = 'unknown';
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of stream.body ?? []) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      boundary = buffer.indexOf('\n\n');
      if (block.startsWith('event: result')) results.push(performance.now());
      if (block.startsWith('event: end'))
        status =
          (JSON.parse(block.split('data: ')[1] ?? '{}') as { status?: string }).status ?? 'ended';
    }
  }
  return { runId: run.id, started, results, status };
}

const environment = readEnvironment({});
const home = mkdtempSync(join(tmpdir(), 'castellan-bench-runtime-'));
const model = await startFakeModelServer({ fixtures: [benchFixture(CALLS_PER_RUN)] });
let server: { url: string; child: ChildProcess } | undefined;
try {
  await initHome(home, {
    environment,
    settings: {
      environment: 'dev',
      packs: { paths: [SHIPPED_PACKS_DIR, join(ROOT, 'bench/__fixtures__/packs')] },
      models: {
        bench: {
          provider: 'openai-compatible',
          model: 'fake-bench',
          endpoint: model.openAiBaseUrl,
          limits: { maxToolCalls: 1000, maxModelCalls: 1000, maxRepeatedCalls: 3 },
        },
      },
      runs: { maxSteps: 1000 },
    },
  });
  const setup = await CastellanService.open(home, { environment });
  await setup.store.agents.upsert({
    orgId: setup.config.organisation.id,
    id: 'bench-agent',
    description: 'Calls one cheap sandboxed tool, again and again.',
    owner: 'admin',
    environment: 'dev',
    packs: ['@bench/bench'],
    scopes: ['bench:tick.run'],
    planner: { kind: 'llm', model: 'bench' },
    createdAt: new Date().toISOString(),
  });
  await setup.close();
  const key =
    (
      JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as {
        keys: Record<string, string>;
      }
    ).keys.operator ?? '';
  server = await serve(home);

  const measure = async (body: Record<string, unknown>, runs: number) => {
    const turns: number[] = [];
    const firsts: number[] = [];
    const runIds: string[] = [];
    for (let index = 0; index < runs; index += 1) {
      const timed = await timedRun(server?.url ?? '', key, body);
      if (timed.status !== 'completed' || timed.results.length !== CALLS_PER_RUN)
        throw new Error(`bench run ended ${timed.status} after ${timed.results.length} results`);
      if (index < WARMUP_RUNS) continue;
      runIds.push(timed.runId);
      firsts.push((timed.results[0] ?? 0) - timed.started);
      for (let turn = 1; turn < timed.results.length; turn += 1)
        turns.push((timed.results[turn] ?? 0) - (timed.results[turn - 1] ?? 0));
    }
    return { turns, firsts, runIds };
  };
  const runs = WARMUP_RUNS + Math.ceil(TURNS / (CALLS_PER_RUN - 1));
  const loadBefore = loadavg()[0] ?? 0;
  const llm = await measure({ agent: 'bench-agent', prompt: 'bench', planner: 'llm' }, runs);
  const script = Array.from({ length: CALLS_PER_RUN }, (_, n) => ({
    tool: '@bench/bench/tick',
    args: { n },
  }));
  const scripted = await measure(
    { agent: 'bench-agent', prompt: 'bench', planner: 'scripted', script },
    runs,
  );

  const driver = new BwrapDriver();
  const sandboxSamples: number[] = [];
  for (let index = 0; index < 60; index += 1) {
    const started = performance.now();
    await driver.run({ command: ['/usr/bin/true'], timeoutMs: 10_000, maxOutputBytes: 4096 });
    if (index >= 10) sandboxSamples.push(performance.now() - started);
  }
  const modelRequests = model.requests.length;
  // Where an LLM turn's time goes, from the server's own record: the model call as the planner
  // timed it (HTTP to the fake model and the AI SDK), and the gate from intent to outcome.
  const auditor =
    (
      JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as {
        keys: Record<string, string>;
      }
    ).keys.auditor ?? '';
  const modelCallMs: number[] = [];
  const executeMs: number[] = [];
  for (const runId of llm.runIds.slice(-5)) {
    const answer = await fetch(new URL(`/v1/audit?runId=${runId}`, server.url), {
      headers: { authorization: `Bearer ${auditor}` },
    });
    const { entries } = (await answer.json()) as {
      entries: Array<{
        type: string;
        time: string;
        stepIndex?: number;
        details?: { latencyMs?: number };
      }>;
    };
    for (const entry of entries)
      if (entry.type === 'model-called') modelCallMs.push(entry.details?.latencyMs ?? 0);
    const allowedAt = new Map(
      entries
        .filter((entry) => entry.type === 'tool-call-allowed')
        .map((entry) => [entry.stepIndex, Date.parse(entry.time)]),
    );
    for (const entry of entries.filter((candidate) => candidate.type === 'tool-call-succeeded'))
      executeMs.push(
        Date.parse(entry.time) - (allowedAt.get(entry.stepIndex) ?? Date.parse(entry.time)),
      );
  }
  const turn = summarise(llm.turns);
  console.log(
    JSON.stringify({
      bench: 'runtime',
      turns: llm.turns.length,
      runs: runs - WARMUP_RUNS,
      callsPerRun: CALLS_PER_RUN,
      turnMs: turn,
      firstTurnMs: summarise(llm.firsts),
      path: 'HTTP API -> LLM planner -> fake model (HTTP) -> gate -> bwrap shell -> audit -> SSE event',
      modelRequests,
      breakdown: { modelCallMs: summarise(modelCallMs), sandboxedToolMs: summarise(executeMs) },
      loadAverage: {
        before: Math.round(loadBefore * 100) / 100,
        after: Math.round((loadavg()[0] ?? 0) * 100) / 100,
        cores: availableParallelism(),
      },
      baseline: {
        scriptedTurnMs: summarise(scripted.turns),
        sandboxTrueMs: summarise(sandboxSamples),
      },
      target: { p50Ms: 50 },
      met: turn.p50 < 50,
    }),
  );
} finally {
  server?.child.kill('SIGTERM');
  await model.close();
  rmSync(home, { recursive: true, force: true });
}
