/**
 * Starts the fleet manager through Castellan's supervisor (the one sanctioned spawner) and waits
 * for its ready line. Used by tests and, later, by the demo.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SupervisedProcess, Supervisor } from '../../src/sandbox/index.js';
import { startListening } from '../start-listening.js';

const fleetFile = fileURLToPath(new URL('./fleet.ts', import.meta.url));

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
  const args = ['--dir', options.dir, '--port', '0'];
  if (options.degradeAfterMs !== undefined)
    args.push('--degrade-after-ms', String(options.degradeAfterMs));
  if (options.tickMs !== undefined) args.push('--tick-ms', String(options.tickMs));
  if (options.incident !== undefined) args.push('--incident', options.incident);
  const { process: started, url } = await startListening(supervisor, {
    name: 'itops-fleet',
    script: fleetFile,
    args,
    what: 'the fleet',
    hint: `see ${options.dir}/fleet.log`,
  });
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
