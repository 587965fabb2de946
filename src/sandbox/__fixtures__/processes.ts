import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Pids of live (non-zombie) processes running `program` (argv[0], or its last path segment)
 * with `argument` among their arguments. Matching argv[0] keeps bwrap itself, whose argv also
 * holds the step's command, out of the answer.
 */
export function findProcesses(program: string, argument: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // A zombie's cmdline is empty, so only processes still running match.
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const name = argv[0] ?? '';
      const isProgram = name === program || name.endsWith(`/${program}`);
      if (isProgram && argv.slice(1).includes(argument)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Waits until `check` holds, polling; returns whether it did within the time. */
export async function eventually(check: () => boolean, withinMs = 2000): Promise<boolean> {
  const end = Date.now() + withinMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

/** A number unlikely to appear in any other process's argv, e.g. as a sleep duration. */
export function uniqueSeconds(base: number): string {
  return `${base}.${String(process.pid).padStart(7, '0')}${Math.floor(Math.random() * 1000)}`;
}

/** A fresh host folder for one test, and its removal. */
export function temporaryFolder(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'castellan-sandbox-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
