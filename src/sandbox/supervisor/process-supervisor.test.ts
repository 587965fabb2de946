import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, findProcesses, uniqueSeconds } from '../__fixtures__/processes.js';
import { SandboxError } from '../errors.js';
import { isProcessAlive } from '../process-group.js';
import { createSupervisor } from './process-supervisor.js';

const node = process.execPath;
const repositoryRoot = join(import.meta.dirname, '..', '..', '..');

describe('ProcessSupervisor', () => {
  const supervisor = createSupervisor();
  afterEach(() => supervisor.stopAll('SIGKILL', 0));

  it('starts a node process, hands over its stdout lines, and stop() reaps it', async () => {
    const lines: string[] = [];
    let ready: () => void = () => undefined;
    const readySeen = new Promise<void>((resolve) => (ready = resolve));
    const child = await supervisor.start({
      name: 'printer',
      command: [node, '-e', 'console.log("listening on 4242"); setInterval(() => {}, 1000)'],
      onLine: (line) => {
        lines.push(line);
        ready();
      },
    });
    await readySeen;
    expect(lines).toEqual(['listening on 4242']);
    expect(supervisor.list().map((process) => process.name)).toEqual(['printer']);
    await child.stop();
    expect(await child.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(isProcessAlive(child.pid)).toBe(false);
    expect(supervisor.list()).toEqual([]);
  });

  it('escalates to SIGKILL when the process ignores SIGTERM past the grace period', async () => {
    const script =
      'process.on("SIGTERM", () => {}); console.log("up"); setInterval(() => {}, 1000)';
    let up: () => void = () => undefined;
    const upSeen = new Promise<void>((resolve) => (up = resolve));
    const child = await supervisor.start({
      name: 'stubborn',
      command: [node, '-e', script],
      onLine: () => up(),
    });
    await upSeen;
    const started = Date.now();
    await child.stop('SIGTERM', 200);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await child.exited).signal).toBe('SIGKILL');
  });

  it('stopAll() leaves nothing running, grandchildren included', async () => {
    const seconds = uniqueSeconds(90);
    const forker = `require("child_process").spawn("/usr/bin/sleep", ["${seconds}"], { stdio: "ignore" }); setInterval(() => {}, 1000)`;
    const children = await Promise.all([
      supervisor.start({ name: 'forker', command: [node, '-e', forker] }),
      supervisor.start({ name: 'idle', command: [node, '-e', 'setInterval(() => {}, 1000)'] }),
    ]);
    expect(await eventually(() => findProcesses('/usr/bin/sleep', seconds).length === 1)).toBe(
      true,
    );
    await supervisor.stopAll();
    expect(supervisor.list()).toEqual([]);
    for (const child of children) expect(isProcessAlive(child.pid)).toBe(false);
    expect(await eventually(() => findProcesses('/usr/bin/sleep', seconds).length === 0)).toBe(
      true,
    );
  });

  it('keeps a bounded tail of stderr and the exit code', async () => {
    const script = 'process.stderr.write("x".repeat(100000) + "last words"); process.exit(3)';
    const child = await supervisor.start({ name: 'failing', command: [node, '-e', script] });
    expect(await child.exited).toEqual({ code: 3, signal: null });
    const tail = (child as unknown as { stderrTail(): string }).stderrTail();
    expect(tail.length).toBeLessThanOrEqual(16 * 1024);
    expect(tail.endsWith('last words')).toBe(true);
  });

  it('passes only the given environment', async () => {
    const lines: string[] = [];
    const child = await supervisor.start({
      name: 'env',
      command: [node, '-e', 'console.log(Object.keys(process.env).sort().join(","))'],
      env: { ONLY: '1' },
      onLine: (line) => lines.push(line),
    });
    await child.exited;
    await eventually(() => lines.length > 0);
    expect(lines).toEqual(['ONLY']);
  });

  it('rejects a program that does not exist as unavailable', async () => {
    const start = supervisor.start({ name: 'ghost', command: ['/nonexistent/program'] });
    await expect(start).rejects.toBeInstanceOf(SandboxError);
    await expect(start).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('kills supervised processes when the owning process exits without stopping them', async () => {
    const seconds = uniqueSeconds(80);
    const child = spawnSync(
      node,
      ['--import', 'tsx', join('src', 'sandbox', '__fixtures__', 'exit-hook-child.ts'), seconds],
      { cwd: repositoryRoot, encoding: 'utf8', timeout: 20_000 },
    );
    expect(child.status, child.stderr).toBe(0);
    const sleeperPid = Number(child.stdout.trim());
    expect(sleeperPid).toBeGreaterThan(0);
    // Killed at once, but a zombie until the host's init reaps it: ask for live processes.
    expect(await eventually(() => findProcesses('/usr/bin/sleep', seconds).length === 0)).toBe(
      true,
    );
  });
});
