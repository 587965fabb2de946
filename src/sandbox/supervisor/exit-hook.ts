import { signalGroup } from '../process-group.js';

/** Process groups of supervised children still running, across all supervisors. */
const running = new Set<number>();
let installed = false;

/**
 * Kills every still-running supervised group when this process exits, so no target or local
 * server outlives Castellan. The 'exit' hook must be synchronous, which process.kill is.
 */
function killAllOnExit(): void {
  for (const pid of running) {
    try {
      signalGroup(pid, 'SIGKILL');
    } catch {
      // Exiting anyway: one group we may not signal must not spare the others.
    }
  }
  running.clear();
}

/** Records a running group; installs the exit hook once for the whole process. */
export function trackGroup(pid: number): void {
  running.add(pid);
  if (!installed) {
    installed = true;
    process.once('exit', killAllOnExit);
  }
}

/** Forgets a group once its leader has exited and the group was reaped. */
export function untrackGroup(pid: number): void {
  running.delete(pid);
}
