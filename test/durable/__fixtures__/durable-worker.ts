/**
 * A Castellan process for the durability tests, run as its own OS process so a test can restart
 * it or kill -9 it at any moment. One JSON line per event on stdout.
 *
 *   node --import tsx durable-worker.ts HOME create-waiting COUNT
 *       starts COUNT runs that each wait for an approval, then exits
 *   node --import tsx durable-worker.ts HOME approve-all
 *       approves every pending request (each resumes its run), waits for the runs, then exits
 *   node --import tsx durable-worker.ts HOME drive COUNT SCRIPT_JSON
 *       makes sure COUNT runs of the script exist, drives them and every run a dead process
 *       left behind, then exits
 */
import { CastellanService } from '../../../src/api/index.js';
import { readEnvironment } from '../../../src/config/index.js';

const [home, mode, ...rest] = process.argv.slice(2);
if (home === undefined || mode === undefined)
  throw new Error('usage: durable-worker HOME MODE ...');
const say = (value: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(value)}\n`);

const service = await CastellanService.open(home, { environment: readEnvironment({}) });
say({ ready: true, pid: process.pid });
try {
  const operator = await service.localUser('operator');
  if (mode === 'create-waiting') {
    const count = Number(rest[0]);
    for (let index = 0; index < count; index += 1) {
      const view = await service.startRun(operator, {
        agent: 'counter-agent',
        prompt: `bump ${index}`,
        planner: 'scripted',
        script: [{ tool: 'bump', args: { counter: 'waiting' } }],
      });
      if (view.run.status !== 'awaiting_approval')
        throw new Error(`run ${view.run.id} is ${view.run.status}: ${view.run.reason}`);
    }
    global.gc?.();
    say({ created: count, heapUsed: process.memoryUsage().heapUsed });
  } else if (mode === 'approve-all') {
    const approver = await service.localUser('approver');
    const pending = await service.listApprovals(approver, { status: ['pending'] });
    // Eight approvers at a time, each decision resuming its run here until it rests.
    const queue = [...pending];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift())
          await service.decideApproval(approver, next.id, { decision: 'approve' });
      }),
    );
    say({ approved: pending.length });
  } else if (mode === 'drive') {
    const count = Number(rest[0]);
    const script = JSON.parse(rest[1] ?? '[]') as unknown[];
    const existing = (await service.listRuns(operator, { limit: 100_000 })).length;
    for (let index = existing; index < count; index += 1) {
      await service.startRun(
        operator,
        { agent: 'counter-agent', prompt: `crash test ${index}`, planner: 'scripted', script },
        'background',
      );
    }
    await service.settle();
    const resumed = await service.recovery.resumeInterrupted(operator);
    say({ done: true, created: Math.max(0, count - existing), resumed: resumed.length });
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} finally {
  await service.close();
}
