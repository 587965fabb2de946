import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { isTerminal } from '../../runtime/index.js';
import type { RunView } from '../../api/index.js';
import type { Backend } from '../backend.js';
import { withBackend } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { Output } from '../output.js';
import { RunEventPrinter } from '../run-event-printer.js';

const APPROVAL_POLL_MS = 1000;

/**
 * `castellan chat AGENT --as USER`: a conversation with an agent's model across runs. Each
 * message is a run of the LLM planner that continues the previous run's conversation (same
 * agent, same user), streamed as it happens; every call still passes the gate. A run that waits
 * for approval is followed until it ends, so the next message continues from its outcome.
 */
export function registerChat(program: Command): void {
  program
    .command('chat')
    .description(
      'talk with an agent; each message is a governed run that continues the conversation',
    )
    .argument('<agent>', 'the agent to talk with')
    .option('--model <profile>', 'the model profile (default: the agent\'s, then "default")')
    .option('--continue <run>', 'continue the conversation of an earlier run')
    .action(
      async (agent: string, options: { model?: string; continue?: string }, command: Command) => {
        process.exitCode = await withBackend(command, async (backend, output) => {
          let previous = options.continue;
          const lines = createInterface({ input: process.stdin, terminal: false });
          if (process.stdin.isTTY)
            output.line(`chat with ${agent}; an empty line or /exit ends it`);
          for await (const raw of lines) {
            const message = raw.trim();
            if (message === '' || message === '/exit') break;
            const view = await turn(backend, output, {
              agent,
              prompt: message,
              planner: 'llm',
              ...(options.model === undefined ? {} : { model: options.model }),
              ...(previous === undefined ? {} : { continueFrom: previous }),
            });
            previous = view.run.id;
            output.data({ runId: view.run.id, status: view.run.status, reply: view.run.reason });
            if (view.run.status === 'completed')
              output.line(`${output.paint(agent, 'bold')}: ${view.run.reason ?? ''}`);
            else
              output.line(
                output.paint(
                  `run ${view.run.id} ${view.run.status}: ${view.run.reason ?? ''}`,
                  'red',
                ),
              );
          }
          lines.close();
          return EXIT.ok;
        });
      },
    );
}

async function turn(
  backend: Backend,
  output: Output,
  request: Record<string, unknown>,
): Promise<RunView> {
  const started = await backend.startRun(request, 'background');
  let view = await backend.followRun(started.run.id, new RunEventPrinter(output).handle);
  if (view.run.status === 'awaiting_approval')
    output.line(
      `waiting for approval (castellan approvals list --as approver); run ${view.run.id}`,
    );
  while (!isTerminal(view.run.status)) {
    await new Promise((resolve) => setTimeout(resolve, APPROVAL_POLL_MS));
    view = await backend.getRun(view.run.id);
  }
  return view;
}
