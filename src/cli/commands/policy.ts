import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  ApiError,
  CastellanService,
  readPolicyFolder,
  type DecisionComparison,
  type PolicyDiff,
} from '../../api/index.js';
import type { UserRecord } from '../../store/index.js';
import { globals } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { Output } from '../output.js';

/** Runs a policy command on the local home as the `--as` user. */
async function asHomeUser<T>(
  command: Command,
  work: (service: CastellanService, actor: UserRecord, output: Output) => Promise<T>,
): Promise<T> {
  const { options, home, output } = globals(command);
  if (options.server !== undefined)
    throw new ApiError('bad-input', 'policy commands act on the local home; drop --server');
  if (options.as === undefined)
    throw new ApiError('bad-input', 'this command acts as a user: pass --as USER');
  const service = await CastellanService.open(home);
  try {
    return await work(service, await service.localUser(options.as), output);
  } finally {
    await service.close();
  }
}

/** The `.cedar` files of a folder; an empty or missing folder is bad input. */
function folder(dir: string): Record<string, string> {
  const files = readPolicyFolder(resolve(dir));
  if (Object.keys(files).length === 0)
    throw new ApiError('bad-input', `${dir}: no .cedar files (or no such folder)`);
  return files;
}

function since(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

function printDiff(output: Output, diff: PolicyDiff): void {
  for (const change of diff.changes)
    output.line(
      `  ${change.weakening ? 'WEAKENS ' : '        '}${change.change.padEnd(8)} ${change.effect.padEnd(7)} ${change.id}: ${change.why}`,
    );
  if (diff.changes.length === 0) output.line('  no changes');
}

function printComparison(output: Output, result: DecisionComparison, what: string): void {
  output.line(
    `${result.compared} decision(s) compared, ${result.skipped} skipped; ${result.changed.length} ${what}`,
  );
  for (const change of result.changed)
    output.line(
      `  #${change.seq} ${change.tool} (run ${change.runId ?? '-'} step ${change.stepIndex ?? '-'}): ` +
        `${change.recorded.effect} [${change.recorded.policyIds.join(', ')}] -> ` +
        `${change.candidate.effect} [${change.candidate.policyIds.join(', ')}]`,
    );
}

/** `castellan policy ...`: validate, apply, approve, list, show, diff, shadow, replay. */
export function registerPolicy(program: Command): void {
  const policy = program
    .command('policy')
    .description('versioned Cedar policy sets: validate, apply, compare, try');

  policy
    .command('validate')
    .argument('<dir>', 'folder of .cedar files')
    .description('check a policy set against the schema of the installed packs; changes nothing')
    .action(async (dir: string, _options: unknown, command: Command) => {
      await asHomeUser(command, async (service, actor, output) => {
        const result = service.policies.validate(actor, folder(dir));
        output.data({
          valid: true,
          policies: result.policies.map((item) => item.id),
          warnings: result.warnings,
        });
        output.line(
          `valid: ${result.policies.length} polic${result.policies.length === 1 ? 'y' : 'ies'}`,
        );
        for (const warning of result.warnings) output.line(`  warning: ${warning}`);
      });
    });

  policy
    .command('apply')
    .argument('<dir>', 'folder of .cedar files')
    .description(
      'make a policy set the next version (a weakening change waits for a second security-admin)',
    )
    .action(async (dir: string, _options: unknown, command: Command) => {
      process.exitCode = await asHomeUser(command, async (service, actor, output) => {
        const outcome = await service.policies.apply(actor, folder(dir));
        output.data(outcome);
        if (outcome.status === 'unchanged') {
          output.line(`unchanged: v${outcome.version} is already active`);
          return EXIT.ok;
        }
        if (outcome.status === 'applied') {
          output.line(`applied: v${outcome.version} is active`);
          printDiff(output, outcome.diff);
          return EXIT.ok;
        }
        output.line(
          `v${outcome.version} weakens the active set and waits for another security-admin: ` +
            `castellan policy approve ${outcome.approvalId}`,
        );
        printDiff(output, outcome.diff);
        return EXIT.awaitingApproval;
      });
    });

  for (const decision of ['approve', 'deny'] as const) {
    policy
      .command(decision)
      .argument('<approval>', 'the approval request of a weakening change')
      .option('--reason <text>', 'why')
      .description(`${decision} a weakening policy change (never your own)`)
      .action(async (approvalId: string, options: { reason?: string }, command: Command) => {
        process.exitCode = await asHomeUser(command, async (service, actor, output) => {
          const view = await service.policies.decideChange(actor, approvalId, {
            decision,
            ...(options.reason === undefined ? {} : { reason: options.reason }),
          });
          output.data(view);
          output.line(
            `${approvalId}: ${view.approval.status}${view.applied === null ? '' : ` (v${view.applied} is active)`}`,
          );
          return view.approval.status === 'pending' ? EXIT.awaitingApproval : EXIT.ok;
        });
      });
  }

  policy
    .command('list')
    .description('every policy version, with the active and the shadow one marked')
    .action(async (_options: unknown, command: Command) => {
      await asHomeUser(command, async (service, actor, output) => {
        const versions = await service.policies.list(actor);
        output.data({ versions });
        for (const version of versions)
          output.line(
            `v${version.version}${version.active ? ' (active)' : ''}${version.shadow ? ' (shadow)' : ''}  ` +
              `${version.policies.length} policies  ${version.createdBy}  ${version.createdAt}  ${version.digest}`,
          );
        if (versions.length === 0) output.line('no policy versions');
      });
    });

  policy
    .command('show')
    .argument('<version>', 'a version number')
    .description('one version: its policies and files')
    .action(async (version: string, _options: unknown, command: Command) => {
      await asHomeUser(command, async (service, actor, output) => {
        const view = await service.policies.show(actor, version);
        output.data(view);
        output.line(`v${view.version}${view.active ? ' (active)' : ''} ${view.digest}`);
        for (const item of view.policies)
          output.line(
            `  ${item.effect.padEnd(7)} ${item.id}  ${item.file}:${item.line}${item.approval ? `  approval ${item.approval}` : ''}`,
          );
      });
    });

  policy
    .command('diff')
    .argument('<from>', 'a version number')
    .argument('<to>', 'a version number')
    .description('what changes from one version to another, and what weakens')
    .action(async (from: string, to: string, _options: unknown, command: Command) => {
      await asHomeUser(command, async (service, actor, output) => {
        const diff = await service.policies.diff(actor, from, to);
        output.data(diff);
        output.line(
          `v${diff.from} -> v${diff.to}: ${diff.changes.length} change(s), ${diff.weakening.length} weakening`,
        );
        printDiff(output, diff);
      });
    });

  policy
    .command('shadow')
    .argument('[dir]', 'folder of .cedar files to decide beside the enforced set')
    .option('--clear', 'stop shadow mode')
    .description('run a candidate set beside the enforced one: recorded, never enforced')
    .action(async (dir: string | undefined, options: { clear?: boolean }, command: Command) => {
      await asHomeUser(command, async (service, actor, output) => {
        if (options.clear !== true && dir === undefined)
          throw new ApiError('bad-input', 'policy shadow takes a folder, or --clear');
        const result = await service.policies.setShadow(
          actor,
          options.clear === true ? null : folder(dir ?? ''),
        );
        output.data(result);
        output.line(
          result.version === null ? 'shadow mode off' : `v${result.version} decides in shadow`,
        );
      });
    });

  policy
    .command('shadow-report')
    .option('--since <seq>', 'from this audit sequence number')
    .description('where the shadow set decided differently from the enforced one')
    .action(async (options: { since?: string }, command: Command) => {
      await asHomeUser(command, async (service, actor, output) => {
        const report = await service.policies.shadowReport(actor, since(options.since));
        output.data(report);
        printComparison(output, report, 'would have gone differently');
      });
    });

  policy
    .command('replay')
    .requiredOption(
      '--candidate <dir>',
      'folder of .cedar files to decide the recorded calls under',
    )
    .option('--since <seq>', 'from this audit sequence number')
    .description('decide the recorded tool calls again under a candidate set; report every change')
    .action(async (options: { candidate: string; since?: string }, command: Command) => {
      await asHomeUser(command, async (service, actor, output) => {
        const report = await service.policies.replay(
          actor,
          folder(options.candidate),
          since(options.since),
        );
        output.data(report);
        printComparison(output, report, 'changed');
      });
    });
}
