import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSupervisor } from '../../src/sandbox/index.js';
import { isAlive, startFleet } from './start-fleet.js';

const supervisor = createSupervisor();
const folders: string[] = [];
async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'itops-fleet-'));
  folders.push(dir);
  return dir;
}
afterEach(async () => {
  await supervisor.stopAll();
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await delay(50);
  }
  return check();
}

type ServiceRow = { name: string; port: number; pid: number | null; healthy: boolean };

describe('itops fleet manager', () => {
  it('serves status, health, logs and config, degrades payments, and restarts it healthy', async () => {
    const fleet = await startFleet(supervisor, {
      dir: await stateDir(),
      degradeAfterMs: 300,
      tickMs: 100,
    });
    const services = async () =>
      (await (await fetch(`${fleet.url}/services`)).json()) as ServiceRow[];
    expect((await services()).map((row) => row.name)).toEqual(['web', 'api', 'payments']);
    expect(
      await waitFor(
        async () => (await services()).find((row) => row.name === 'payments')?.healthy === false,
        3000,
      ),
    ).toBe(true);
    expect((await services()).filter((row) => row.healthy).map((row) => row.name)).toEqual([
      'web',
      'api',
    ]);

    const health = await (await fetch(`${fleet.url}/services/payments/health`)).json();
    expect(health).toMatchObject({ name: 'payments', healthy: false, status: 503 });
    const logs = (await (await fetch(`${fleet.url}/services/payments/logs?lines=5`)).json()) as {
      lines: string[];
    };
    expect(logs.lines).toHaveLength(5);
    expect(logs.lines.at(-1)).toContain('ERROR payments: connection pool exhausted');
    const config = await (await fetch(`${fleet.url}/services/payments/config`)).json();
    expect(config).toMatchObject({ name: 'payments', config: { poolSize: 8 } });
    expect((await fetch(`${fleet.url}/services/nope/health`)).status).toBe(404);
    expect((await fetch(`${fleet.url}/services/payments/logs?lines=0`)).status).toBe(400);

    const before = (await services()).find((row) => row.name === 'payments')!;
    const restart = (await (
      await fetch(`${fleet.url}/services/payments/restart`, { method: 'POST' })
    ).json()) as ServiceRow;
    expect(restart).toMatchObject({ name: 'payments', healthy: true });
    expect(restart.pid).not.toBe(before.pid);
    expect(isAlive(before.pid!)).toBe(false);
    await delay(500); // longer than the first leak: the fresh process stays healthy
    expect((await services()).every((row) => row.healthy)).toBe(true);
  });

  it('stops every service on SIGTERM and leaves no process behind', async () => {
    const dir = await stateDir();
    const fleet = await startFleet(supervisor, { dir, degradeAfterMs: 300, tickMs: 100 });
    const pids = ((await (await fetch(`${fleet.url}/services`)).json()) as ServiceRow[]).map(
      (row) => row.pid!,
    );
    expect(pids).toHaveLength(3);
    expect(pids.every(isAlive)).toBe(true);
    process.kill(fleet.process.pid, 'SIGTERM'); // the manager alone, not its process group
    expect(await fleet.process.exited).toEqual({ code: 0, signal: null });
    expect(pids.filter(isAlive)).toEqual([]);
    expect(isAlive(fleet.process.pid)).toBe(false);
    const log = await readFile(join(dir, 'fleet.log'), 'utf8');
    for (const pid of pids) expect(log).toContain(`pid=${pid} exited`);
    expect(log.trimEnd().split('\n').at(-1)).toContain('all services stopped');
  });

  it('services exit on their own when the manager is killed outright', async () => {
    // Started directly, in its own process group, so that nothing but the services' own
    // watch on the manager can stop them; the group is killed at the end whatever happens.
    const dir = await stateDir();
    const fleetFile = fileURLToPath(new URL('./fleet.ts', import.meta.url));
    const manager = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), fleetFile, '--dir', dir],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        manager.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          const match = /"listening":"([^"]+)"/.exec(chunk);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        manager.once('exit', () => reject(new Error('the fleet exited early')));
      });
      const pids = ((await (await fetch(`${url}/services`)).json()) as ServiceRow[]).map(
        (row) => row.pid!,
      );
      manager.kill('SIGKILL');
      expect(await waitFor(() => pids.every((pid) => !isAlive(pid)), 5000)).toBe(true);
    } finally {
      try {
        process.kill(-manager.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
});
