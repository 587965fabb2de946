import type { Command } from 'commander';
import { withBackend } from '../context.js';

/** `castellan runs list|show|cancel`. */
export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('list and inspect runs');
  runs
    .command('list')
    .option('--status <statuses>', 'comma-separated statuses, e.g. awaiting_approval,failed')
    .option('--limit <n>', 'at most this many', (value) => Number.parseInt(value, 10))
    .action(async (options: { status?: string; limit?: number }, command: Command) => {
      await withBackend(command, async (backend, output) => {
        const list = await backend.listRuns({
          ...(options.status === undefined ? {} : { status: options.status.split(',') }),
          ...(options.limit === undefined ? {} : { limit: options.limit }),
        });
        output.data({ runs: list });
        for (const run of list)
          output.line(
            `${run.id}  ${run.status.padEnd(18)} ${run.agentId}  ${run.requestedBy}  ${run.createdAt}`,
          );
        if (list.length === 0) output.line('no runs');
      });
    });
  runs
    .command('show')
    .argument('<run>', 'run id')
    .action(async (runId: string, _options: unknown, command: Command) => {
      await withBackend(command, async (backend, output) => {
        const view = await backend.getRun(runId);
        output.data(view);
        output.run(view);
      });
    });
  runs
    .command('cancel')
    .argument('<run>', 'run id')
    .requiredOption('--reason <text>', 'why')
    .action(async (runId: string, options: { reason: string }, command: Command) => {
      await withBackend(command, async (backend, output) => {
        const view = await backend.cancelRun(runId, options.reason);
        output.data(view);
        output.run(view);
      });
    });
}
