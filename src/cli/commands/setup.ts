import type { Command } from 'commander';
import { CastellanService, initHome } from '../../api/index.js';
import { startServer } from '../../server/index.js';
import { describeError } from '../../core/index.js';
import { globals, withBackend } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `castellan init`, `doctor`, `serve` and `agents`. */
export function registerSetup(program: Command): void {
  program
    .command('init')
    .description(
      'create a home: settings, database, signing keys, starter policies, demo users and agents',
    )
    .option('--force', 'replace an existing home (its database, keys and credentials)')
    .action(async (options: { force?: boolean }, command: Command) => {
      const { home, output } = globals(command);
      const result = await initHome(home, { force: options.force === true });
      output.data(result);
      output.line(`Castellan home ready at ${home} (${result.store})`);
      output.line(
        `  users:  ${result.users.join(', ')} (keys in ${home}/credentials.json, mode 0600)`,
      );
      output.line(`  agents: ${result.agents.join(', ')}`);
    });

  program
    .command('doctor')
    .description(
      'check the store, keys, policies, packs and the sandbox, and say how to fix what is missing',
    )
    .action(async (_options: unknown, command: Command) => {
      const { home, output } = globals(command);
      let report: Awaited<ReturnType<CastellanService['doctor']>>;
      try {
        const service = await CastellanService.open(home);
        try {
          report = await service.doctor();
        } finally {
          await service.close();
        }
      } catch (error) {
        report = {
          ok: false,
          checks: [
            {
              name: 'home',
              ok: false,
              detail: describeError(error),
              fix: 'run `castellan init` or pass --home DIR',
            },
          ],
        };
      }
      output.data(report);
      for (const check of report.checks) {
        const mark = check.ok ? output.paint('ok  ', 'green') : output.paint('FAIL', 'red');
        output.line(
          `${mark} ${check.name}: ${check.detail}${check.ok || check.fix === undefined ? '' : `\n     fix: ${check.fix}`}`,
        );
      }
      process.exitCode = report.ok ? EXIT.ok : EXIT.failure;
    });

  program
    .command('serve')
    .description('serve the HTTP API (/v1, /openapi.json, /healthz)')
    .option('--port <n>', 'port (default from settings, 7300)', (value) =>
      Number.parseInt(value, 10),
    )
    .option('--host <host>', 'interface to listen on (default from settings, 127.0.0.1)')
    .action(async (options: { port?: number; host?: string }, command: Command) => {
      const { home, output } = globals(command);
      const service = await CastellanService.open(home);
      const server = await startServer(service, {
        host: options.host ?? service.config.server.host,
        port: options.port ?? service.config.server.port,
      });
      output.data({ listening: server.url });
      output.line(`Castellan listening on ${server.url}`);
      // Runs a crashed process left behind resume here; expired approvals and due notifications
      // are handled on timers, so a waiting run ends on expiry with nobody touching it.
      const report = (error: unknown) =>
        process.stderr.write(`castellan: background work failed: ${describeError(error)}\n`);
      const background = service.approvalWork.start(report);
      void service.recovery.resumeInterrupted().catch(report);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await background.stop();
      await server.close();
      await service.close();
    });

  program
    .command('agents')
    .description('list the agents')
    .action(async (_options: unknown, command: Command) => {
      await withBackend(command, async (backend, output) => {
        const agents = await backend.listAgents();
        output.data({ agents });
        for (const agent of agents)
          output.line(`${agent.id.padEnd(18)} ${agent.packs.join(', ')}  ${agent.description}`);
      });
    });
}
