import type { Command } from 'commander';
import { withAuditService } from '../audit-access.js';

/** `castellan audit export`: JSON lines with proofs, or OCSF events; `--follow` streams. */
export function registerAuditExport(audit: Command): void {
  audit
    .command('export')
    .description(
      'export the log: jsonl (entries with proofs, checkpoints) or ocsf events, one per line',
    )
    .option('--format <format>', 'jsonl or ocsf', 'jsonl')
    .option('--since <seq>', 'start at this seq')
    .option('--follow', 'keep streaming new entries until interrupted')
    .option('--poll-ms <ms>', 'how often --follow looks for new entries', '1000')
    .action(
      async (
        options: { format: string; since?: string; follow?: boolean; pollMs: string },
        command: Command,
      ) => {
        await withAuditService(command, async (auditing, actor) => {
          const controller = new AbortController();
          const stop = () => controller.abort();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          // A reader that goes away (`| head`) ends the export, not the process with a stack.
          process.stdout.once('error', stop);
          try {
            const lines = auditing.exportLines(
              actor,
              {
                format: options.format,
                ...(options.since === undefined ? {} : { since: options.since }),
                follow: options.follow === true,
                pollMs: Number(options.pollMs),
              },
              controller.signal,
            );
            for await (const line of lines) {
              if (controller.signal.aborted) break;
              if (!process.stdout.write(line)) {
                await new Promise<void>((resume) => process.stdout.once('drain', resume));
              }
            }
          } finally {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
          }
        });
      },
    );
}
