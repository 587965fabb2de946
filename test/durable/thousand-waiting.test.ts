/**
 * A waiting run is rows, not memory: one process starts 1,000 runs that each wait for an
 * approval and exits; a new process approves them all; every run resumes and completes, and the
 * counter service saw exactly 1,000 effects, one per run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CastellanService } from '../../src/api/index.js';
import { createSupervisor } from '../../src/sandbox/index.js';
import { startCounter, type RunningCounter } from '../../targets/counter/start-counter.js';
import { cleanEnvironment, connectorSettings, initDurableHome } from '../support/durable-home.js';
import { startWorker } from './__fixtures__/worker-process.js';

const RUNS = 1000;

describe('1,000 runs waiting for approval across a restart', () => {
  const supervisor = createSupervisor();
  let folder: string;
  let home: string;
  let counter: RunningCounter;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'castellan-waiting-'));
    home = join(folder, 'home');
    counter = await startCounter(supervisor, { dir: folder });
    await initDurableHome(home, connectorSettings({ counter }));
  }, 90_000);

  afterAll(async () => {
    await supervisor.stopAll();
    await rm(folder, { recursive: true, force: true });
  });

  it('resumes and completes every run in a new process, each effect applied once', async () => {
    const creator = startWorker([home, 'create-waiting', String(RUNS)]);
    await creator.waitFor('created');
    expect((await creator.exited).code, creator.stderr()).toBe(0);
    // The creating process is gone: all that is left of the runs is in the store.
    expect(counter.journal()).toEqual([]);

    const approver = startWorker([home, 'approve-all']);
    const approved = await approver.waitFor('approved');
    expect((await approver.exited).code, approver.stderr()).toBe(0);
    expect(approved.approved).toBe(RUNS);

    const service = await CastellanService.open(home, { environment: cleanEnvironment });
    try {
      const operator = await service.localUser('operator');
      const runs = await service.listRuns(operator, { limit: 10_000 });
      expect(runs).toHaveLength(RUNS);
      expect(runs.filter((run) => run.status !== 'completed')).toEqual([]);
      const journal = counter.journal();
      expect(journal).toHaveLength(RUNS);
      expect(new Set(journal.map((entry) => entry.key)).size).toBe(RUNS);
      expect(journal.at(-1)?.value).toBe(RUNS);
      expect((await service.verifyAudit(await service.localUser('auditor'))).ok).toBe(true);
    } finally {
      await service.close();
    }
  }, 600_000);
});
