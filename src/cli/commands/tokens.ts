import type { Command } from 'commander';
import { ApiError } from '../../api/index.js';
import { withBackend } from '../context.js';

/** `castellan tokens list|revoke` and `castellan killswitch on|off|status`. */
export function registerTokens(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('capability tokens of runs: list and revoke');
  tokens
    .command('list')
    .option('--run <run>', 'only this run')
    .option('--agent <agent>', 'only this agent')
    .option('--user <user>', 'only this user')
    .option('--active', 'only tokens not yet expired')
    .action(
      async (
        options: { run?: string; agent?: string; user?: string; active?: boolean },
        command: Command,
      ) => {
        await withBackend(command, async (backend, output) => {
          const list = await backend.access.listTokens(options);
          output.data({ tokens: list });
          for (const token of list) {
            const status =
              token.status === 'revoked'
                ? `revoked (${token.revokedBecause ?? '?'})`
                : token.status;
            output.line(
              `${token.jti}  ${status.padEnd(12)} run ${token.runId}  ${token.userId}/${token.agentId}  until ${token.expiresAt}  ${token.scopes.join(' ')}`,
            );
          }
          if (list.length === 0) output.line('no tokens');
        });
      },
    );
  tokens
    .command('revoke')
    .argument('[jti]', 'one token id (jti_...)')
    .option('--agent <agent>', 'every token of this agent issued until now')
    .option('--user <user>', 'every token acting for this user issued until now')
    .option('--run <run>', 'every token of this run')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .action(
      async (
        jti: string | undefined,
        options: { agent?: string; user?: string; run?: string; reason: string },
        command: Command,
      ) => {
        const chosen = [jti, options.agent, options.user, options.run].filter(
          (value) => value !== undefined,
        );
        if (chosen.length !== 1) {
          throw new ApiError('bad-input', 'name exactly one of JTI, --agent, --user or --run');
        }
        await withBackend(command, async (backend, output) => {
          const outcome = await backend.access.revokeTokens({
            reason: options.reason,
            ...(jti === undefined ? {} : { jti }),
            ...(options.agent === undefined ? {} : { agent: options.agent }),
            ...(options.user === undefined ? {} : { user: options.user }),
            ...(options.run === undefined ? {} : { run: options.run }),
          });
          output.data(outcome);
          output.line(`revoked: ${outcome.subject.kind} ${outcome.subject.id} at ${outcome.at}`);
          for (const run of outcome.haltedRuns)
            output.line(`  halted run ${run.runId}: ${run.status}`);
        });
      },
    );

  const killswitch = program
    .command('killswitch')
    .description(
      'stop every agent at once (security admins): every token refused, every call in flight aborted',
    );
  for (const [verb, engaged] of [
    ['on', true],
    ['off', false],
  ] as const) {
    killswitch
      .command(verb)
      .requiredOption('--reason <text>', 'why (recorded in the audit log)')
      .action(async (options: { reason: string }, command: Command) => {
        await withBackend(command, async (backend, output) => {
          const outcome = await backend.access.setKillSwitch(engaged, options.reason);
          output.data(outcome);
          output.line(
            `kill switch ${engaged ? output.paint('ON', 'red') : 'off'} since ${outcome.state.changedAt} (${outcome.state.changedBy}: ${outcome.state.reason})`,
          );
          for (const run of outcome.haltedRuns)
            output.line(`  halted run ${run.runId}: ${run.status}`);
        });
      });
  }
  killswitch.command('status').action(async (_options: unknown, command: Command) => {
    await withBackend(command, async (backend, output) => {
      const state = await backend.access.killSwitch();
      output.data(state);
      output.line(
        `kill switch ${state.engaged ? 'ON' : 'off'} since ${state.changedAt} (${state.changedBy}: ${state.reason})`,
      );
    });
  });
}
