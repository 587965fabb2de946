import type { Command } from 'commander';
import type { RollbackView } from '../../api/index.js';
import { jsonDiff } from '../../core/index.js';
import { globals } from '../context.js';
import { EXIT, exitCodeForRun } from '../exit-codes.js';
import type { Output } from '../output.js';
import { withLocalService } from './local-service.js';

function printPlan(output: Output, view: RollbackView): void {
  const { plan } = view;
  output.line(
    `rollback of run ${plan.runId}: ${plan.compensations.length} undo step(s), newest first`,
  );
  plan.compensations.forEach((each, position) => {
    output.line(
      `  ${position + 1}. undo step ${each.stepIndex} (${each.tool}) on ${each.resource}: ${each.kind} with ${each.call.tool} ${JSON.stringify(each.call.args)}`,
    );
    for (const change of jsonDiff(each.post, each.pre).slice(0, 20))
      output.line(
        `       ${change.path || '(whole)'}: ${JSON.stringify(change.from ?? null)} → ${JSON.stringify(change.to ?? null)}`,
      );
  });
  for (const each of plan.irreversible)
    output.line(
      output.paint(
        `  step ${each.stepIndex} (${each.tool}) cannot be undone: ${each.why}`,
        'yellow',
      ),
    );
  for (const conflict of plan.conflicts)
    output.line(
      output.paint(
        `  CONFLICT: ${conflict.resource} changed since step ${conflict.stepIndex}: ${conflict.differences
          .map(
            (change) =>
              `${change.path || '(whole)'} ${JSON.stringify(change.from ?? null)} → ${JSON.stringify(change.to ?? null)}`,
          )
          .join('; ')}`,
        'red',
      ),
    );
}

/**
 * `castellan rollback RUN [--dry-run]`: computes the compensations for a run's effects in
 * reverse order and shows them; without --dry-run, starts them as a rollback run whose every
 * step waits for approval and passes the gate (exit 4 while it waits). A resource changed since
 * the run is a conflict: nothing is changed (exit 1).
 */
export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description(
      "undo a run's effects in reverse order, each step approved and gated; exit 4 awaiting approval, 1 on a conflict",
    )
    .argument('<run>', 'the run to roll back')
    .option('--dry-run', 'show the compensations and any conflict; change nothing')
    .action(async (runId: string, options: { dryRun?: boolean }, command: Command) => {
      process.exitCode = await withLocalService(command, async (service, actor) => {
        const { output } = globals(command);
        const view = await service.recovery.rollback(actor, runId, {
          dryRun: options.dryRun === true,
        });
        output.data(view);
        printPlan(output, view);
        if (view.run === undefined) return view.plan.conflicts.length > 0 ? EXIT.failure : EXIT.ok;
        output.line(
          `rollback run ${view.run.id} is ${view.run.status}${view.run.reason ? `: ${view.run.reason}` : ''}`,
        );
        if (view.run.status === 'awaiting_approval')
          output.line(
            'each undo step waits for an approver: castellan approvals list --as approver',
          );
        return exitCodeForRun(view.run.status);
      });
    });
}

/** `castellan runs resume`: drives every run a crashed process left queued or running. */
export function registerResume(program: Command): void {
  const runs = program.commands.find((command) => command.name() === 'runs') ?? program;
  runs
    .command('resume')
    .description(
      'pick up runs a crashed process left behind; a call that may have taken effect is re-run only if idempotent, else the run stops as needs_attention',
    )
    .action(async (_options: unknown, command: Command) => {
      await withLocalService(command, async (service, actor) => {
        const { output } = globals(command);
        const resumed = await service.recovery.resumeInterrupted(actor);
        output.data({ resumed });
        for (const each of resumed) output.line(`${each.runId}  ${each.status}`);
        if (resumed.length === 0) output.line('no run was left behind');
      });
    });
}
