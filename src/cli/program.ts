import { Command, CommanderError } from 'commander';
import { describeError, isCastellanError } from '../core/index.js';
import { registerAccounts } from './commands/accounts.js';
import { registerApprovals } from './commands/approvals.js';
import { registerAudit } from './commands/audit.js';
import { registerChat } from './commands/chat.js';
import { registerDemo } from './commands/demo.js';
import { registerMcp } from './commands/mcp.js';
import { registerPacks } from './commands/packs.js';
import { registerPolicy } from './commands/policy.js';
import { registerResume, registerRollback } from './commands/rollback.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerSetup } from './commands/setup.js';
import { registerTokens } from './commands/tokens.js';
import { registerGrants } from './commands/grants.js';
import { EXIT, exitCodeForError } from './exit-codes.js';

/** Builds the `castellan` command tree. */
export function buildProgram(): Command {
  const program = new Command('castellan')
    .description('Castellan: a governed agent platform. Every effect an agent has passes one gate.')
    .option('--home <dir>', 'the Castellan home (default $CASTELLAN_HOME or ./.castellan)')
    .option('--json', 'machine-readable output')
    .option('--debug', 'show stack traces on errors')
    .option('--server <url>', 'talk to a Castellan server instead of the local home')
    .option('--token <key>', 'API key for --server (default $CASTELLAN_TOKEN)')
    .option('--as <user>', 'act as this local user (embedded mode, or its key with --server)')
    .showHelpAfterError()
    .exitOverride();
  registerSetup(program);
  registerRun(program);
  registerChat(program);
  registerMcp(program);
  registerRuns(program);
  registerResume(program);
  registerRollback(program);
  registerApprovals(program);
  registerAudit(program);
  registerDemo(program);
  registerPacks(program);
  registerPolicy(program);
  registerAccounts(program);
  registerGrants(program);
  registerTokens(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI and maps every failure to one line and an exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.ok;
      return EXIT.usage; // commander has already printed the message
    }
    const json = argv.includes('--json');
    const message = describeError(error);
    if (json)
      process.stdout.write(
        `${JSON.stringify({ error: { code: isCastellanError(error) ? error.reasonCode : 'internal', message } })}\n`,
      );
    process.stderr.write(`castellan: ${message}\n`);
    if (argv.includes('--debug') && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    return exitCodeForError(error);
  }
}
