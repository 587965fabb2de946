/**
 * Approvals and durable runs, on a home made by `init` against the counter service:
 *  - decision to resumed execution: from the moment an approver's decision is submitted to the
 *    moment the approved call's effect reaches the target (its journal time), and to the run's
 *    end; baseline in the same run: start to effect for the same call needing no approval;
 *  - memory per 1,000 waiting runs: the heap (after GC) before and after starting 1,000 runs that
 *    each wait for an approval, and the store's growth on disk for them.
 * Prints one JSON line. Run with: node --expose-gc --import tsx bench/approvals.ts [samples]
 */
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CastellanService } from '../src/api/index.js';
import { createSupervisor } from '../src/sandbox/index.js';
import { startCounter } from '../targets/counter/start-counter.js';
import {
  cleanEnvironment,
  connectorSettings,
  initDurableHome,
} from '../test/support/durable-home.js';
import { summarise } from './stats.js';

const SAMPLES = Number(process.argv[2] ?? 200);
const WAITING = 1000;
const WARMUP = 20;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const settledHeap = () => {
  for (let round = 0; round < 3; round += 1) gc();
  return process.memoryUsage().heapUsed;
};

const folder = await mkdtemp(join(tmpdir(), 'castellan-bench-approvals-'));
const supervisor = createSupervisor();
const counter = await startCounter(supervisor, { dir: folder });
const home = join(folder, 'home');
await initDurableHome(home, connectorSettings({ counter }));
const service = await CastellanService.open(home, { environment: cleanEnvironment });
const operator = await service.localUser('operator');
const approver = await service.localUser('approver');

/** The journal time of the effect of `runId`'s first step, in epoch milliseconds. */
function effectTime(runId: string): number {
  const entry = counter.journal().find((each) => each.key === `${runId}:0`);
  if (entry === undefined) throw new Error(`no effect for ${runId}`);
  return Date.parse(entry.at);
}
// performance.now() is monotonic; the journal holds wall-clock times: relate the two once.
const wallAt = (mark: number) => performance.timeOrigin + mark;

const baseline: number[] = [];
for (let index = 0; index < WARMUP + SAMPLES; index += 1) {
  const started = performance.now();
  const view = await service.startRun(operator, {
    agent: 'counter-agent',
    prompt: 'baseline',
    planner: 'scripted',
    script: [{ tool: 'increment', args: { counter: 'baseline' } }],
  });
  if (view.run.status !== 'completed') throw new Error(`baseline run ${view.run.status}`);
  if (index >= WARMUP) baseline.push(effectTime(view.run.id) - wallAt(started));
}

const toEffect: number[] = [];
const toEnd: number[] = [];
for (let index = 0; index < WARMUP + SAMPLES; index += 1) {
  const view = await service.startRun(operator, {
    agent: 'counter-agent',
    prompt: 'needs a person',
    planner: 'scripted',
    script: [{ tool: 'bump', args: { counter: 'approved' } }],
  });
  const approvalId = view.steps[0]?.approvalId ?? '';
  const started = performance.now();
  const decided = await service.decideApproval(approver, approvalId, { decision: 'approve' });
  const ended = performance.now();
  if (decided.run.status !== 'completed') throw new Error(`approved run ${decided.run.status}`);
  if (index >= WARMUP) {
    toEffect.push(effectTime(view.run.id) - wallAt(started));
    toEnd.push(ended - started);
  }
}

const database = join(home, 'castellan.db');
const diskBytes = () =>
  ['', '-wal'].reduce((sum, suffix) => {
    try {
      return sum + statSync(`${database}${suffix}`).size;
    } catch {
      return sum;
    }
  }, 0);
// Warm-up: compiled code and caches settle before the measured runs (the heap's growth over
// the first runs is the JIT's, and shrinks batch after batch; it is not held per run).
const waitingRun = async (index: number) => {
  const view = await service.startRun(operator, {
    agent: 'counter-agent',
    prompt: `waiting ${index}`,
    planner: 'scripted',
    script: [{ tool: 'bump', args: { counter: 'waiting' } }],
  });
  if (view.run.status !== 'awaiting_approval') throw new Error(`waiting run ${view.run.status}`);
};
for (let index = 0; index < WAITING / 2; index += 1) await waitingRun(index);
const heapBefore = settledHeap();
const diskBefore = diskBytes();
for (let index = 0; index < WAITING; index += 1) await waitingRun(index);
const heapAfter = settledHeap();
const diskAfter = diskBytes();

await service.close();
await supervisor.stopAll();
await rm(folder, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify({
    bench: 'approvals',
    samples: SAMPLES,
    decisionToEffectMs: summarise(toEffect),
    decisionToRunEndMs: summarise(toEnd),
    baseline: { startToEffectWithoutApprovalMs: summarise(baseline) },
    waitingRuns: {
      runs: WAITING,
      heapBytesPer1000: heapAfter - heapBefore,
      storeBytesPer1000: diskAfter - diskBefore,
    },
    note: 'effect times come from the target journal (millisecond wall clock)',
  })}\n`,
);
