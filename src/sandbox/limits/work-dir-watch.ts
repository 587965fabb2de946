import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Keeps a host work folder under its size while a step runs. A bound host folder has no size of
 * its own (a tmpfs /work does), so the driver measures it: every `intervalMs` it adds up the
 * blocks the folder's files occupy, and reports when they pass the limit or the folder holds
 * too many entries. RLIMIT_FSIZE caps each file at the same size, so one write cannot run far
 * past the limit between two measurements.
 */

/** What the folder held at the last measurement. */
export interface WorkDirUsage {
  bytes: number;
  entries: number;
}

/** Most entries a work folder may hold; walking more would make the watch itself costly. */
export const maxWorkDirEntries = 20_000;

async function measure(root: string, stopAt: number): Promise<WorkDirUsage> {
  const usage: WorkDirUsage = { bytes: 0, entries: 0 };
  const pending = [root];
  while (pending.length > 0 && usage.entries <= stopAt) {
    const folder = pending.pop() as string;
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue; // removed, or made unreadable by the step: what remains is still counted
    }
    for (const name of names) {
      usage.entries += 1;
      const path = join(folder, name);
      try {
        // lstat: a symlink the step planted is counted as itself, never followed.
        const info = await lstat(path);
        usage.bytes += info.blocks * 512;
        if (info.isDirectory()) pending.push(path);
      } catch {
        // Gone between readdir and lstat.
      }
    }
  }
  return usage;
}

/**
 * Starts watching; `onExceeded` is called once. A change in the folder itself (inotify) starts a
 * measurement at once, and a timer catches changes deeper down. Returns a function that stops.
 */
export function watchWorkDir(
  root: string,
  maxBytes: number,
  onExceeded: (usage: WorkDirUsage) => void,
  intervalMs = 25,
): () => void {
  let stopped = false;
  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  const stop = (): void => {
    stopped = true;
    clearTimeout(timer);
    watcher?.close();
  };
  const tick = async (): Promise<void> => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    clearTimeout(timer);
    const usage = await measure(root, maxWorkDirEntries);
    running = false;
    if (stopped) return;
    if (usage.bytes > maxBytes || usage.entries > maxWorkDirEntries) {
      stop();
      onExceeded(usage);
      return;
    }
    if (again) {
      again = false;
      void tick();
      return;
    }
    timer = setTimeout(() => void tick(), intervalMs);
  };
  try {
    watcher = watch(root, { persistent: false }, () => void tick());
    watcher.on('error', () => watcher?.close());
  } catch {
    // No inotify here: the timer alone keeps watch.
  }
  timer = setTimeout(() => void tick(), intervalMs);
  return stop;
}
