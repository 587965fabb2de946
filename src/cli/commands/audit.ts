import type { Command } from 'commander';
import type { LogVerification } from '../../audit/index.js';
import { withAuditService } from '../audit-access.js';
import { withBackend } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { Output } from '../output.js';
import { registerAuditExport } from './audit-export.js';
import { registerAuditRetention } from './audit-retention.js';

/** `castellan audit verify|show|proof|consistency|checkpoint|key|export|prune|hold`. */
export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description('verify, prove, export and retain the audit log');
  audit
    .command('verify')
    .description(
      'check the chain, seqs, signed checkpoints, their roots and consistency; exit 0 only when all hold',
    )
    .option('--witness <path>', 'also check the log against this witness copy of its checkpoints')
    .action(async (options: { witness?: string }, command: Command) => {
      const report = (result: LogVerification, output: Output) => {
        output.data(result);
        output.line(describeVerification(result, output));
        return result.ok ? EXIT.ok : EXIT.failure;
      };
      process.exitCode =
        options.witness === undefined
          ? await withBackend(command, async (backend, output) =>
              report(await backend.verifyAudit(), output),
            )
          : await withAuditService(command, async (auditing, actor, output) =>
              report(await auditing.verify(actor, { witness: options.witness }), output),
            );
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
  audit
    .command('proof')
    .argument('<seq>', 'the entry to prove')
    .description('an RFC 9162 inclusion proof of one entry against the latest signed checkpoint')
    .action(async (seq: string, _options: unknown, command: Command) => {
      await withAuditService(command, async (auditing, actor, output) => {
        const proof = await auditing.proof(actor, seq);
        output.data(proof);
        output.line(
          `entry ${proof.seq} (${proof.entry.type}) is leaf ${proof.proof.index} of the tree of ${proof.checkpoint.size}`,
        );
        output.line(`leaf hash ${proof.leafHash}`);
        proof.proof.path.forEach((hash, index) =>
          output.line(`  ${String(index).padStart(2)} ${hash}`),
        );
        output.line(`root ${proof.checkpoint.root}, signed:`);
        output.line(proof.checkpoint.note.trimEnd());
      });
    });
  audit
    .command('consistency')
    .argument('<old>', 'the older tree size')
    .argument('<new>', 'the newer tree size')
    .description('an RFC 9162 consistency proof: the tree of NEW entries extends the tree of OLD')
    .action(async (first: string, second: string, _options: unknown, command: Command) => {
      await withAuditService(command, async (auditing, actor, output) => {
        const proof = await auditing.consistency(actor, first, second);
        output.data(proof);
        output.line(
          `tree ${proof.to.size} (root ${proof.to.root}) extends tree ${proof.from.size} (root ${proof.from.root})`,
        );
        proof.path.forEach((hash, index) => output.line(`  ${String(index).padStart(2)} ${hash}`));
      });
    });
  audit
    .command('checkpoint')
    .description('sign a checkpoint of the whole log now and publish it to the witnesses')
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await withAuditService(command, async (auditing, actor, output) => {
        const outcome = await auditing.checkpoint(actor);
        output.data(outcome ?? { checkpoint: null });
        if (outcome === undefined) {
          output.line('the log is empty: nothing to sign');
          return EXIT.ok;
        }
        output.line(
          `${outcome.created ? 'signed' : 'already signed'}: size ${outcome.checkpoint.size}, root ${outcome.checkpoint.root}`,
        );
        for (const witness of outcome.published) {
          output.line(
            `  ${witness.ok ? 'published to' : 'FAILED to publish to'} ${witness.witness}${witness.error === undefined ? '' : `: ${witness.error}`}`,
          );
        }
        return outcome.published.every((witness) => witness.ok) ? EXIT.ok : EXIT.failure;
      });
    });
  audit
    .command('key')
    .description("print the audit log's verifier key (pin it to verify exports and witness copies)")
    .action(async (_options: unknown, command: Command) => {
      await withAuditService(command, async (auditing, _actor, output) => {
        output.data({ verifierKey: auditing.verifierKey });
        output.line(auditing.verifierKey);
      });
    });
  registerAuditExport(audit);
  registerAuditRetention(audit);
}

function describeVerification(result: LogVerification, output: Output): string {
  if (result.ok) {
    return output.paint(
      `audit log verified: ${result.entries} entries, ${result.checkpoints} signed checkpoint(s)` +
        `${result.witnessed > 0 ? `, ${result.witnessed} witnessed` : ''}, head ${result.headHash.slice(0, 16)}…`,
      'green',
    );
  }
  const range = result.lastBadSeq === undefined ? '' : `..${result.lastBadSeq}`;
  return output.paint(
    `audit log BROKEN at seq ${result.firstBadSeq}${range} (${result.code}): ${result.reason}`,
    'red',
  );
}
