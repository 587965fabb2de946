import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '../process-group.js';

/**
 * A pids cgroup per step, for a root caller. RLIMIT_NPROC does not bind for host uid 0, even
 * inside the step's user namespace (the kernel exempts the init user's processes), so a fork
 * bomb started by a root Castellan would fill the host's pid table. The pids controller caps
 * the whole step instead. Only the cgroup v1 `pids` hierarchy is used (this kind of host has a
 * hybrid layout); elsewhere the driver notes that processes are not limited.
 */

const v1Root = '/sys/fs/cgroup/pids';
const ownFolder = 'castellan';

/** One step's cgroup: bwrap joins it through `joinPath` before it forks anything. */
export interface PidsCgroup {
  path: string;
  /**
   * The v1 `tasks` file. Writing "0" there moves the writing thread alone, which skips the
   * global threadgroup lock (and its RCU wait) that a write to `cgroup.procs` takes: measured
   * 2 ms instead of 8 ms per step on a loaded 2-core host. The writer is a single-threaded sh.
   */
  joinPath: string;
  /**
   * Removes the cgroup once the step's processes are gone, in the background: the step's result
   * does not wait for the kernel to reap the last pid. Never throws; see `pendingRemovals`.
   */
  release(): void;
}

let base: string | null | undefined;
let counter = 0;

/** Removes step cgroups whose owning Castellan process has died (named `<pid>-<n>`). */
function sweep(folder: string): void {
  for (const name of readdirSync(folder)) {
    const owner = Number(name.split('-')[0]);
    if (!Number.isSafeInteger(owner) || owner === process.pid || isProcessAlive(owner)) continue;
    try {
      rmdirSync(join(folder, name));
    } catch {
      // Still has processes, or already gone: leave it.
    }
  }
}

/** The folder step cgroups are made in, or undefined when this host offers none to us. */
export function pidsCgroupBase(): string | undefined {
  if (base !== undefined) return base ?? undefined;
  base = null;
  try {
    if (process.getuid?.() !== 0 || !existsSync(join(v1Root, 'tasks'))) return undefined;
    accessSync(v1Root, constants.W_OK);
    const folder = join(v1Root, ownFolder);
    mkdirSync(folder, { recursive: true });
    sweep(folder);
    base = folder;
  } catch {
    base = null;
  }
  return base ?? undefined;
}

/** Creates a cgroup capped at `maxProcesses`; undefined when pids cgroups are unavailable. */
export function createPidsCgroup(maxProcesses: number): PidsCgroup | undefined {
  const folder = pidsCgroupBase();
  if (folder === undefined) return undefined;
  counter += 1;
  const path = join(folder, `${process.pid}-${counter}`);
  try {
    mkdirSync(path);
    writeFileSync(join(path, 'pids.max'), String(maxProcesses));
  } catch {
    try {
      rmdirSync(path);
    } catch {
      // Nothing was created.
    }
    return undefined;
  }
  return { path, joinPath: join(path, 'tasks'), release: () => release(path) };
}

const removals = new Set<Promise<void>>();

function release(path: string): void {
  const removal = removeCgroup(path).finally(() => removals.delete(removal));
  removals.add(removal);
}

/** Resolves when every released cgroup has been removed (or given up on). */
export async function pendingRemovals(): Promise<void> {
  while (removals.size > 0) await Promise.all([...removals]);
}

/** The most processes the cgroup ever held, for the record (0 when unreadable). */
export function peakProcesses(cgroup: PidsCgroup): number {
  try {
    return Number(readFileSync(join(cgroup.path, 'pids.peak'), 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

async function removeCgroup(path: string): Promise<void> {
  // The kernel frees a pid when the process is reaped, a moment after the step's pipes close:
  // retry from 1 ms, doubling, for about two seconds in all.
  for (let attempt = 0, delay = 1; attempt < 16; attempt += 1, delay = Math.min(delay * 2, 250)) {
    try {
      await rmdir(path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  // Left for the sweep of the next Castellan process; it holds no process by then.
}
