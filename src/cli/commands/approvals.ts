import type { Command } from 'commander';
import { globals, withBackend } from '../context.js';
import { exitCodeForRun } from '../exit-codes.js';
import { printApprovalDetails } from './approval-details.js';
import { withLocalService } from './local-service.js';

/** `castellan approvals list|show|approve|deny`. */
export function registerApprovals(program: Command): void {
  const approvals = program.command('approvals').description('see and decide approval requests');
  approvals
    .command('list')
    .option(
      '--status <statuses>',
      'comma-separated: pending, approved, denied, expired (default pending)',
      'pending',
    )
    .option('--all', 'every status')
    .action(async (options: { status: string; all?: boolean }, command: Command) => {
      await withBackend(command, async (backend, output) => {
        const list = await backend.listApprovals(
          options.all === true ? {} : { status: options.status.split(',') },
        );
        output.data({ approvals: list });
        for (const approval of list) output.line(output.approval(approval));
        if (list.length === 0) output.line('no approvals');
      });
    });
  approvals
    .command('show')
    .argument('<approval>', 'approval id')
    .action(async (approvalId: string, _options: unknown, command: Command) => {
      await withBackend(command, async (backend, output) => {
        const view = await backend.getApproval(approvalId);
        output.data(view);
        output.line(output.approval(view.approval));
        printApprovalDetails(output, view.approval);
        for (const decision of view.decisions)
          output.line(`  ${decision.approver} ${decision.decision} ${decision.reason ?? ''}`);
      });
    });
  approvals
    .command('sweep')
    .description(
      'end requests past their expiry (a deny) and the runs waiting on them, and deliver due notifications (a server does this on its own)',
    )
    .action(async (_options: unknown, command: Command) => {
      await withLocalService(command, async (service, actor) => {
        const { output } = globals(command);
        const report = await service.approvalWork.sweep(actor);
        output.data(report);
        for (const each of report.expired)
          output.line(
            `${each.approvalId} expired; run ${each.runId} is ${each.runStatus ?? 'gone'}`,
          );
        output.line(
          `${report.expired.length} request(s) expired, ${report.notificationsAttempted} notification(s) attempted`,
        );
      });
    });
  for (const decision of ['approve', 'deny'] as const) {
    approvals
      .command(decision)
      .argument('<approval>', 'approval id')
      .option('--reason <text>', 'why')
      .action(async (approvalId: string, options: { reason?: string }, command: Command) => {
        process.exitCode = await withBackend(command, async (backend, output) => {
          const result = await backend.decide(approvalId, decision, options.reason);
          output.data(result);
          output.line(output.approval(result.approval));
          output.line(
            `run ${result.run.id} is now ${result.run.status}${result.run.reason ? `: ${result.run.reason}` : ''}`,
          );
          return result.approval.status === 'pending'
            ? 0
            : exitCodeForRun(result.run.status) === 4
              ? 4
              : 0;
        });
      });
  }
}
