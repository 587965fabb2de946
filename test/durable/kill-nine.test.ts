/**
 * Crash safety with kill -9, in real processes against a counter service that journals every
 * effect. First at the two moments that matter, caught from the journal: just after an
 * idempotent effect (the call is re-run with the same key and the target applies it once) and
 * just after a non-idempotent one (the run stops in needs_attention with the facts, the effect
 * is not repeated). Then at random points over many rounds: no effect is applied twice, no
 * effect lacks its audited intent, and every run ends in a stated state.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/index.js';
import { CastellanService } from '../../src/api/index.js';
import { createSupervisor } from '../../src/sandbox/index.js';
import type { RunRecord, StepRecord } from '../../src/store/index.js';
import type { JournalEntry } from '../../targets/counter/counter.js';
import { startCounter, type RunningCounter } from '../../targets/counter/start-counter.js';
import { cleanEnvironment, connectorSettings, initDurableHome } from '../support/durable-home.js';
import { startWorker } from './__fixtures__/worker-process.js';

interface Outcome {
  runs: Array<{ run: RunRecord; steps: StepRecord[] }>;
  entries: AuditEntry[];
  chainOk: boolean;
}

async function readOutcome(home: string): Promise<Outcome> {
  const service = await CastellanService.open(home, { environment: cleanEnvironment });
  try {
    const operator = await service.localUser('operator');
    const auditor = await service.localUser('auditor');
    const runs = [];
    for (const run of await service.listRuns(operator, { limit: 10_000 }))
      runs.push(await service.getRun(operator, run.id));
    return {
      runs,
      entries: await service.auditEntries(auditor, { limit: 10_000 }),
      chainOk: (await service.verifyAudit(auditor)).ok,
    };
  } finally {
    await service.close();
  }
}

/** Every journalled effect has its intent in the audit log; none is applied twice. */
function checkEffects(journal: JournalEntry[], entries: AuditEntry[]): void {
  const intents = new Set(
    entries
      .filter((entry) => entry.type === 'tool-call-allowed')
      .map((entry) => `${entry.runId}:${entry.stepIndex}`),
  );
  for (const effect of journal) expect(intents.has(effect.key ?? '')).toBe(true);
  const applied = new Map<string, number>();
  for (const effect of journal.filter((each) => each.applied))
    applied.set(effect.key ?? '', (applied.get(effect.key ?? '') ?? 0) + 1);
  expect([...applied.entries()].filter(([, count]) => count > 1)).toEqual([]);
}

async function workUntilDone(home: string, args: string[]): Promise<void> {
  const worker = startWorker([home, 'drive', ...args]);
  await worker.waitFor('done');
  expect((await worker.exited).code, worker.stderr()).toBe(0);
}

describe('kill -9 at the moments that matter', () => {
  const supervisor = createSupervisor();
  let folder: string;
  let home: string;
  let counter: RunningCounter;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'castellan-kill-'));
    home = join(folder, 'home');
    // Each effect is applied 300 ms into the call and answered 300 ms after that: the window in
    // which the effect exists and its outcome is not yet recorded.
    counter = await startCounter(supervisor, { dir: folder, delayMs: 600 });
    await initDurableHome(home, connectorSettings({ counter }));
  }, 90_000);

  afterAll(async () => {
    await supervisor.stopAll();
    await rm(folder, { recursive: true, force: true });
  });

  /** Starts run number `count` (the earlier ones exist) and kills its process after `op`. */
  async function killAfterEffect(
    count: number,
    op: JournalEntry['op'],
    script: unknown[],
  ): Promise<void> {
    const before = counter.journal().length;
    const worker = startWorker([home, 'drive', String(count), JSON.stringify(script)]);
    const deadline = Date.now() + 30_000;
    while (
      !counter
        .journal()
        .slice(before)
        .some((entry) => entry.op === op)
    ) {
      if (Date.now() > deadline) throw new Error(`no ${op} effect: ${worker.stderr()}`);
      await delay(5);
    }
    worker.kill9();
    expect((await worker.exited).signal).toBe('SIGKILL');
  }

  it('re-runs an idempotent call with the same key after a crash, and the target applies it once', async () => {
    await killAfterEffect(1, 'add', [{ tool: 'add', args: { counter: 'idem', by: 7 } }]);
    await workUntilDone(home, ['1', '[]']);
    const { runs, entries, chainOk } = await readOutcome(home);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.run.status).toBe('completed');
    expect(runs[0]?.steps[0]).toMatchObject({ status: 'succeeded', result: { value: 7 } });
    const key = `${runs[0]?.run.id}:0`;
    expect(
      counter
        .journal()
        .filter((entry) => entry.key === key)
        .map((entry) => entry.applied),
    ).toEqual([true, false]);
    const retried = entries.find((entry) => entry.type === 'tool-call-retried');
    expect(retried?.details).toMatchObject({ idempotencyKey: key });
    checkEffects(counter.journal(), entries);
    expect(chainOk).toBe(true);
  }, 120_000);

  it('stops a non-idempotent call for attention, with the facts, and never repeats it', async () => {
    await killAfterEffect(2, 'increment', [
      { tool: 'increment', args: { counter: 'once', by: 1 } },
    ]);
    await workUntilDone(home, ['2', '[]']);
    const { runs, entries, chainOk } = await readOutcome(home);
    const stopped = runs.find((each) => each.run.status === 'needs_attention');
    expect(stopped?.run.reason).toContain('is not idempotent, so it is not run again blindly');
    expect(stopped?.steps[0]).toMatchObject({ status: 'interrupted' });
    const facts = entries.find(
      (entry) => entry.type === 'run-needs-attention' && entry.runId === stopped?.run.id,
    );
    expect(facts?.details).toMatchObject({
      stepIndex: 0,
      tool: '@test/counter/increment',
      idempotent: false,
      outcome: 'none recorded',
    });
    const key = `${stopped?.run.id}:0`;
    expect(counter.journal().filter((entry) => entry.key === key)).toHaveLength(1);
    checkEffects(counter.journal(), entries);
    expect(chainOk).toBe(true);
  }, 120_000);
});

describe('kill -9 at random points', () => {
  const supervisor = createSupervisor();
  let folder: string;
  let home: string;
  let counter: RunningCounter;
  const RUNS = 6;
  const script = [
    { tool: 'increment', args: { counter: 'c', by: 1 } },
    { tool: 'add', args: { counter: 'c', by: 10 } },
    { tool: 'increment', args: { counter: 'c', by: 100 } },
    { tool: 'add', args: { counter: 'c', by: 1000 } },
    { tool: 'read-counter', args: { counter: 'c' } },
  ];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'castellan-kill-random-'));
    home = join(folder, 'home');
    counter = await startCounter(supervisor, { dir: folder, delayMs: 60 });
    await initDurableHome(home, connectorSettings({ counter }));
  }, 90_000);

  afterAll(async () => {
    await supervisor.stopAll();
    await rm(folder, { recursive: true, force: true });
  });

  it('applies no effect twice, loses no intent, and leaves every run in a stated state', async () => {
    let kills = 0;
    for (let round = 0; round < 8; round += 1) {
      const worker = startWorker([home, 'drive', String(RUNS), JSON.stringify(script)]);
      await worker.waitFor('ready');
      // The first kill lands well inside the work (six runs of four effects at 60 ms each), so
      // at least one crash happens however fast the machine; later rounds crash resumed work.
      await delay(Math.floor(Math.random() * (round === 0 ? 200 : 400)));
      worker.kill9();
      const exit = await worker.exited;
      if (exit.signal !== 'SIGKILL') break; // the worker had nothing left to do
      kills += 1;
    }
    await workUntilDone(home, [String(RUNS), JSON.stringify(script)]);
    expect(kills).toBeGreaterThan(0);

    const { runs, entries, chainOk } = await readOutcome(home);
    expect(runs).toHaveLength(RUNS);
    for (const { run, steps } of runs) {
      expect(['completed', 'needs_attention']).toContain(run.status);
      if (run.status === 'completed') {
        expect(steps.map((step) => step.status)).toEqual(Array(5).fill('succeeded'));
        for (const step of steps.slice(0, 4)) {
          const types = entries
            .filter((entry) => entry.runId === run.id && entry.stepIndex === step.index)
            .map((entry) => entry.type);
          expect(types).toContain('tool-call-allowed');
          expect(types).toContain('tool-call-succeeded');
        }
      } else {
        expect(steps.at(-1)?.status).toBe('interrupted');
        expect(
          entries.some((entry) => entry.type === 'run-needs-attention' && entry.runId === run.id),
        ).toBe(true);
      }
    }
    checkEffects(counter.journal(), entries);
    expect(chainOk).toBe(true);
  }, 300_000);
});
