import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  initHome,
  runItopsScenario,
  runRndScenario,
  runFinanceScenario,
  runComplianceScenario,
  type ScenarioEvent,
  type ScenarioSummary,
} from '../../api/index.js';
import { CONFIG_FILE } from '../../config/index.js';
import { globals } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { Output } from '../output.js';

const SCENARIOS = ['itops', 'compliance', 'finance', 'rnd'] as const;

/** `castellan demo`: runs the scenarios against real local systems in the current home. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run the scenarios end to end against local target systems, then verify the audit log',
    )
    .option('--scenario <name>', `one scenario: ${SCENARIOS.join(', ')}`)
    .option('--fresh', 'replace the home first (what `npm run demo` does)')
    .option(
      '--planner <kind>',
      'playbook (default), or llm: a model plans, replayed from recorded exchanges by a local fake model server',
    )
    .action(
      async (
        options: { scenario?: string; fresh?: boolean; planner?: string },
        command: Command,
      ) => {
        const { home, output } = globals(command);
        if (options.planner !== undefined && !['playbook', 'llm'].includes(options.planner)) {
          output.line(`unknown planner ${options.planner}; planners: playbook, llm`);
          process.exitCode = EXIT.usage;
          return;
        }
        const planner = options.planner === 'llm' ? 'llm' : 'playbook';
        const chosen = options.scenario === undefined ? [...SCENARIOS] : [options.scenario];
        const unknown = chosen.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
        if (unknown.length > 0) {
          output.line(`unknown scenario ${unknown.join(', ')}; scenarios: ${SCENARIOS.join(', ')}`);
          process.exitCode = EXIT.usage;
          return;
        }
        if (options.fresh === true || !existsSync(join(home, CONFIG_FILE))) {
          await initHome(home, { force: options.fresh === true });
          output.line(`created a home at ${home}`);
        }
        const summaries: ScenarioSummary[] = [];
        for (const name of chosen) {
          output.line(output.paint(`\n== scenario: ${name} ==`, 'bold'));
          if (name === 'itops')
            summaries.push(
              await runItopsScenario(home, (event) => show(output, event), { planner }),
            );
          if (name === 'compliance')
            summaries.push(await runComplianceScenario(home, (event) => show(output, event)));
          if (name === 'finance')
            summaries.push(await runFinanceScenario(home, (event) => show(output, event)));
          if (name === 'rnd')
            summaries.push(await runRndScenario(home, (event) => show(output, event)));
        }
        output.data({ home, scenarios: summaries });
        table(output, summaries);
        const ok = summaries.every((summary) => summary.checks.every((check) => check.ok));
        output.line(
          ok
            ? output.paint(
                '\nall checks passed; inspect with: castellan runs list --as operator --home ' +
                  home,
                'green',
              )
            : output.paint('\nsome checks FAILED', 'red'),
        );
        process.exitCode = ok ? EXIT.ok : EXIT.failure;
      },
    );
}

function show(output: Output, event: ScenarioEvent): void {
  switch (event.kind) {
    case 'info':
      output.line(`  ${output.paint('·', 'dim')} ${event.text}`);
      return;
    case 'approval':
      output.line(`  ${output.paint('✋', 'yellow')} ${event.text}`);
      return;
    case 'denial':
      output.line(`  ${output.paint('⛔', 'red')} ${event.text}`);
      return;
    case 'step':
      output.line(`  ${output.step(event.step)}`);
      return;
    case 'run':
      output.line(
        `  run ${event.run.id}: ${event.run.status}${event.run.reason ? ` (${event.run.reason})` : ''}`,
      );
      return;
  }
}

function table(output: Output, summaries: ScenarioSummary[]): void {
  output.line('\nscenario   allowed  denied  approved  rolled back  checks');
  for (const summary of summaries) {
    const passed = summary.checks.filter((check) => check.ok).length;
    output.line(
      `${summary.scenario.padEnd(10)} ${String(summary.allowed).padStart(7)} ${String(summary.denied).padStart(7)} ${String(summary.approved).padStart(9)} ${String(summary.rolledBack).padStart(12)}  ${passed}/${summary.checks.length}`,
    );
    for (const check of summary.checks.filter((candidate) => !candidate.ok))
      output.line(`  FAILED ${check.name}: ${check.detail}`);
  }
  const audit = summaries.at(-1)?.audit;
  if (audit !== undefined)
    output.line(
      audit.ok
        ? `audit log verified: ${audit.entries} entries`
        : `audit log BROKEN at seq ${audit.firstBadSeq}: ${audit.reason}`,
    );
}
