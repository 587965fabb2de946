/**
 * Starts the fleet manager through Castellan's supervisor (the one sanctioned spawner) and waits
 * for its ready line. Used by tests and, later, by the demo.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SupervisedProcess, Supervisor } from '../../src/sandbox/index.js';

const fleetFile = fileURLToPath(new URL('./fleet.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A running fleet and the settings the itops-fleet connector needs. */
export interface RunningFleet {
  process: SupervisedProcess;
  url: string;
  dir: string;
  logDir: string;
  settings: { 'itops-fleet': { url: string; logDir: string } };
}

/** Options of the fleet; short times suit tests. */
export interface FleetStartOptions {
  dir: string;
  degradeAfterMs?: number;
  tickMs?: number;
  incident?: string;
}

/** Starts the manager and resolves once it prints `{"listening": url}` (20 s at most). */
export async function startFleet(
  supervisor: Supervisor,
  options: FleetStartOptions,
): Promise<RunningFleet> {
  const command = [
    process.execPath,
    '--import',
    import.meta.resolve('tsx'),
    fleetFile,
    '--dir',
    options.dir,
    '--port',
    '0',
  ];
  if (options.degradeAfterMs !== undefined)
    command.push('--degrade-after-ms', String(options.degradeAfterMs));
  if (options.tickMs !== undefined) command.push('--tick-ms', String(options.tickMs));
  if (options.incident !== undefined) command.push('--incident', options.incident);
  let settle: { ready(url: string): void; failed(error: Error): void } | undefined;
  const ready = new Promise<string>((resolve, reject) => {
    settle = { ready: resolve, failed: reject };
  });
  const started = await supervisor.start({
    name: 'itops-fleet',
    command,
    cwd: repositoryRoot,
    onLine: (line) => {
      try {
        const parsed = JSON.parse(line) as { listening?: unknown };
        if (typeof parsed.listening === 'string') settle?.ready(parsed.listening);
      } catch {
        // not the ready line
      }
    },
  });
  // Settling twice is a no-op, so a later exit after the ready line changes nothing.
  void started.exited.then((exit) =>
    settle?.failed(
      new Error(
        `the fleet exited before it was ready (${exit.code ?? exit.signal}); see ${options.dir}/fleet.log`,
      ),
    ),
  );
  const timer = setTimeout(
    () => settle?.failed(new Error('the fleet was not ready within 20 s')),
    20_000,
  );
  const url = await ready.finally(() => clearTimeout(timer));
  const logDir = join(options.dir, 'logs');
  return {
    process: started,
    url,
    dir: options.dir,
    logDir,
    settings: { 'itops-fleet': { url, logDir } },
  };
}

/** True while a process of that pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}
