/**
 * The first scenario end to end, as people use it: the CLI in separate processes (so a run that
 * waits for approval must survive its process ending), then the same path over HTTP against
 * `castellan serve`. In embedded mode the run is started by one process and resumed by another
 * (the approver's), so a paused run surviving a process restart is part of the path. The effects are checked on the fleet itself: the failing service is
 * restarted (new pid) and healthy.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startItopsFleet, waitForIncident, type RunningFleet } from '../../src/api/index.js';
import { createSupervisor } from '../../src/sandbox/index.js';
import { castellan, serve } from '../support/cli.js';
import { patchConfig, temporaryFolder } from '../support/home.js';

interface ServiceState {
  name: string;
  pid: number;
  healthy: boolean;
}

async function services(fleet: RunningFleet): Promise<ServiceState[]> {
  const response = await fetch(new URL('/services', fleet.url));
  return (await response.json()) as ServiceState[];
}

for (const transport of ['embedded', 'http'] as const) {
  describe(`itops scenario through the CLI (${transport})`, () => {
    const folder = temporaryFolder();
    const home = join(folder.path, 'home');
    const supervisor = createSupervisor();
    let fleet: RunningFleet;
    let server: { url: string; stop: () => Promise<void> } | undefined;
    const remote = () => (server === undefined ? [] : ['--server', server.url]);

    beforeAll(async () => {
      const init = await castellan(['init', '--home', home, '--json']);
      expect(init.code, init.stderr).toBe(0);
      fleet = await startItopsFleet(supervisor, join(folder.path, 'fleet'));
      expect(await waitForIncident(fleet.url)).toBe('payments');
      patchConfig(home, {
        connectors: { 'itops-fleet': { url: fleet.url, logDir: fleet.logDir } },
      });
      if (transport === 'http') server = await serve(home);
    }, 60_000);

    afterAll(async () => {
      await server?.stop();
      await supervisor.stopAll();
      folder.remove();
    });

    it('keeps local keys readable by the owner only', () => {
      expect(statSync(join(home, 'credentials.json')).mode & 0o777).toBe(0o600);
      expect(statSync(join(home, 'keys', 'signing-key.private.jwk')).mode & 0o777).toBe(0o600);
    });

    it('diagnoses automatically, holds the restart for approval, and restarts only after an approver says yes', async () => {
      const before = (await services(fleet)).find((service) => service.name === 'payments');
      expect(before?.healthy).toBe(false);

      const run = await castellan([
        'run',
        'itops-agent',
        'payments is failing',
        '--as',
        'operator',
        '--home',
        home,
        '--json',
        ...remote(),
      ]);
      expect(run.code, run.stderr).toBe(4);
      expect(run.json).toMatchObject({ status: 'awaiting_approval' });
      const runId = run.json.runId as string;

      const shown = await castellan([
        'runs',
        'show',
        runId,
        '--as',
        'operator',
        '--home',
        home,
        '--json',
        ...remote(),
      ]);
      const steps = shown.json.steps as Array<{ tool: string; status: string }>;
      expect(steps.map((step) => [step.tool.split('/').pop(), step.status])).toEqual([
        ['fleet-status', 'succeeded'],
        ['read-logs', 'succeeded'],
        ['scan-logs', 'succeeded'],
        ['restart-service', 'awaiting_approval'],
      ]);
      expect(shown.json.run.tainted).toBe(true); // log lines are untrusted content
      // The restart has not happened yet.
      expect((await services(fleet)).find((service) => service.name === 'payments')?.pid).toBe(
        before?.pid,
      );

      const pending = await castellan([
        'approvals',
        'list',
        '--as',
        'approver',
        '--home',
        home,
        '--json',
        ...remote(),
      ]);
      const approvals = pending.json.approvals as Array<{
        id: string;
        tool: string;
        args: unknown;
        runId: string;
      }>;
      expect(approvals).toHaveLength(1);
      expect(approvals[0]).toMatchObject({
        tool: '@castellan/itops/restart-service',
        args: { service: 'payments' },
        runId,
      });
      const approvalId = approvals[0]?.id as string;

      const own = await castellan([
        'approvals',
        'approve',
        approvalId,
        '--as',
        'operator',
        '--home',
        home,
        ...remote(),
      ]);
      expect(own.code).toBe(3);
      expect(own.stderr).toMatch(/approve|decide/);

      const decided = await castellan([
        'approvals',
        'approve',
        approvalId,
        '--as',
        'approver',
        '--reason',
        'leak confirmed',
        '--home',
        home,
        '--json',
        ...remote(),
      ]);
      expect(decided.code, decided.stderr).toBe(0);
      expect(decided.json.approval.status).toBe('approved');
      expect(decided.json.run.status).toBe('completed');

      const after = (await services(fleet)).find((service) => service.name === 'payments');
      expect(after?.healthy).toBe(true);
      expect(after?.pid).not.toBe(before?.pid);

      const audit = await castellan([
        'audit',
        'show',
        '--run',
        runId,
        '--as',
        'auditor',
        '--home',
        home,
        '--json',
        ...remote(),
      ]);
      const entries = audit.json.entries as Array<{
        type: string;
        tool?: string;
        approver?: string;
      }>;
      const restart = entries
        .filter((entry) => entry.tool === '@castellan/itops/restart-service')
        .map((entry) => entry.type);
      expect(restart).toEqual([
        'approval-requested',
        'approval-granted',
        'tool-call-allowed',
        'tool-call-succeeded',
      ]);
      expect(
        entries.find(
          (entry) => entry.type === 'tool-call-allowed' && entry.tool?.endsWith('restart-service'),
        )?.approver,
      ).toBe('approver');

      const verify = await castellan([
        'audit',
        'verify',
        '--as',
        'auditor',
        '--home',
        home,
        '--json',
        ...remote(),
      ]);
      expect(verify.code).toBe(0);
      expect(verify.json).toMatchObject({ ok: true });
      expect(verify.json.entries).toBeGreaterThan(10);
    }, 90_000);

    it('denies a restart by an agent that holds no restart scope, with exit code 3', async () => {
      const script = join(folder.path, 'restart.json');
      await import('node:fs').then((fs) =>
        fs.writeFileSync(
          script,
          JSON.stringify([{ tool: 'itops/restart-service', args: { service: 'web' } }]),
        ),
      );
      const webBefore = (await services(fleet)).find((service) => service.name === 'web')?.pid;
      const run = await castellan([
        'run',
        'itops-readonly',
        'restart web',
        '--script',
        script,
        '--as',
        'operator',
        '--home',
        home,
        '--json',
        ...remote(),
      ]);
      expect(run.code).toBe(3);
      expect(run.json.reason).toMatch(/itops:service\.restart:web/);
      expect((await services(fleet)).find((service) => service.name === 'web')?.pid).toBe(
        webBefore,
      );
    }, 60_000);
  });
}
