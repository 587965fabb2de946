import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ApiError } from '../../api/index.js';
import { isTerminal } from '../../runtime/index.js';
import { withBackend } from '../context.js';
import { exitCodeForRun } from '../exit-codes.js';
import { RunEventPrinter } from '../run-event-printer.js';

const POLL_MS = 500;

/** `castellan run AGENT PROMPT...`: starts a run and reports where it stopped. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'start a run of an agent; exit 0 completed, 1 failed, 3 denied, 4 awaiting approval',
    )
    .argument('<agent>', 'the agent to run')
    .argument('<prompt...>', 'the task, in words')
    .option('--planner <kind>', "playbook, scripted or llm (default: the agent's)")
    .option(
      '--model <profile>',
      'llm: the model profile to use (default: the agent\'s, then "default")',
    )
    .option(
      '--follow',
      'stream the run as it happens: model text, proposed calls, decisions, results',
    )
    .option('--script <file>', 'a JSON list of tool calls for the scripted planner')
    .option('--input <json>', 'run input as a JSON object')
    .option('--wait', 'keep waiting through approvals until the run ends')
    .action(
      async (
        agent: string,
        prompt: string[],
        options: {
          planner?: string;
          model?: string;
          script?: string;
          input?: string;
          wait?: boolean;
          follow?: boolean;
        },
        command: Command,
      ) => {
        const request: Record<string, unknown> = { agent, prompt: prompt.join(' ') };
        if (options.script !== undefined) {
          request.script = readJsonFile(options.script, 'script');
          request.planner = options.planner ?? 'scripted';
        } else if (options.planner !== undefined) {
          request.planner = options.planner;
        }
        if (options.model !== undefined) request.model = options.model;
        if (options.input !== undefined) request.input = parseJson(options.input, '--input');
        process.exitCode = await withBackend(command, async (backend, output) => {
          let view = await backend.startRun(
            request,
            options.follow === true ? 'background' : 'until-rest',
          );
          if (options.follow === true)
            view = await backend.followRun(view.run.id, new RunEventPrinter(output).handle);
          while (options.wait === true && !isTerminal(view.run.status)) {
            await new Promise((resolve) => setTimeout(resolve, POLL_MS));
            view = await backend.getRun(view.run.id);
          }
          output.data({
            runId: view.run.id,
            status: view.run.status,
            reason: view.run.reason,
            steps: view.steps.length,
          });
          output.run(view);
          if (view.run.status === 'awaiting_approval') {
            output.line(`waiting for approval: castellan approvals list --as approver`);
          }
          return exitCodeForRun(view.run.status);
        });
      },
    );
}

/** Reads and parses a JSON file given on the command line; bad files are usage errors. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ApiError('bad-input', `cannot read the ${what} file ${path}`);
  }
  if (text.length > 1024 * 1024)
    throw new ApiError('bad-input', `the ${what} file ${path} is larger than 1 MiB`);
  return parseJson(text, `the ${what} file ${path}`);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(
      'bad-input',
      `${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
