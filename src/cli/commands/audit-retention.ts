import type { Command } from 'commander';
import { withAuditService } from '../audit-access.js';

/** `castellan audit prune` and `castellan audit hold add|list|release`. */
export function registerAuditRetention(audit: Command): void {
  audit
    .command('prune')
    .description('empty payload blobs past retention (never entries or hashes); legal holds exempt')
    .option('--dry-run', 'report what would go, change nothing')
    .option('--now <time>', 'prune as of this ISO 8601 time instead of now')
    .action(async (options: { dryRun?: boolean; now?: string }, command: Command) => {
      await withAuditService(command, async (auditing, actor, output) => {
        const report = await auditing.prune(actor, {
          dryRun: options.dryRun === true,
          ...(options.now === undefined ? {} : { now: options.now }),
        });
        output.data(report);
        const counts = Object.entries(report.pruned).map(([name, count]) => `${name} ${count}`);
        output.line(
          `${report.dryRun ? 'would prune' : 'pruned'}: ${counts.join(', ')}; kept by legal holds: ${report.held}`,
        );
      });
    });

  const hold = audit
    .command('hold')
    .description('legal holds: matching entries keep their payloads');
  hold
    .command('add')
    .description('hold the payloads of a run, a user, or entries matching a query')
    .option('--run <id>', 'every entry of this run')
    .option('--user <id>', 'every entry acting for this user')
    .option('--query <q>', 'field=value,... over type, tool, user, agent, run, after, before')
    .requiredOption('--reason <text>', 'why (a case or matter reference)')
    .action(
      async (
        options: { run?: string; user?: string; query?: string; reason: string },
        command: Command,
      ) => {
        await withAuditService(command, async (auditing, actor, output) => {
          const added = await auditing.addHold(actor, options);
          output.data({ hold: added });
          output.line(`hold ${added.id} on ${added.kind} ${added.value}`);
        });
      },
    );
  hold
    .command('list')
    .option('--all', 'released holds too')
    .action(async (options: { all?: boolean }, command: Command) => {
      await withAuditService(command, async (auditing, actor, output) => {
        const holds = await auditing.listHolds(actor, options.all === true);
        output.data({ holds });
        for (const one of holds) {
          const state =
            one.releasedAt === null ? 'active' : `released ${one.releasedAt} by ${one.releasedBy}`;
          output.line(
            `${one.id}  ${one.kind} ${one.value}  by ${one.createdBy} ${one.createdAt}  ${state}  ${one.reason}`,
          );
        }
      });
    });
  hold
    .command('release')
    .argument('<id>', 'the hold to release')
    .option('--reason <text>', 'why')
    .action(async (id: string, options: { reason?: string }, command: Command) => {
      await withAuditService(command, async (auditing, actor, output) => {
        const released = await auditing.releaseHold(actor, { id, ...options });
        output.data({ hold: released });
        output.line(`released ${released.id}`);
      });
    });
}
