import type { Command } from 'commander';
import { withBackend } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `castellan audit verify|show`. */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('verify and read the audit log');
  audit
    .command('verify')
    .description('recompute the hash chain; exit 0 only when it holds')
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await withBackend(command, async (backend, output) => {
        const result = await backend.verifyAudit();
        output.data(result);
        if (result.ok)
          output.line(
            output.paint(
              `audit log verified: ${result.entries} entries, head ${result.headHash.slice(0, 16)}…`,
              'green',
            ),
          );
        else
          output.line(
            output.paint(`audit log BROKEN at seq ${result.firstBadSeq}: ${result.reason}`, 'red'),
          );
        return result.ok ? EXIT.ok : EXIT.failure;
      });
    });
  audit
    .command('show')
    .option('--run <id>', 'only this run')
    .option('--from <seq>', 'from this seq', (value) => Number.parseInt(value, 10))
    .option('--limit <n>', 'at most this many', (value) => Number.parseInt(value, 10))
    .action(async (options: { run?: string; from?: number; limit?: number }, command: Command) => {
      await withBackend(command, async (backend, output) => {
        const entries = await backend.auditEntries({
          ...(options.run === undefined ? {} : { runId: options.run }),
          ...(options.from === undefined ? {} : { fromSeq: options.from }),
          ...(options.limit === undefined ? {} : { limit: options.limit }),
        });
        output.data({ entries });
        for (const entry of entries) output.line(output.entry(entry));
      });
    });
}
