import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { SandboxError } from '../errors.js';
import type { SupervisedProcess, Supervisor } from '../port.js';
import { signalGroup } from '../process-group.js';
import { trackGroup, untrackGroup } from './exit-hook.js';
import { LineSplitter, TailBuffer } from './line-splitter.js';

/** Options of Supervisor.start, named for callers that build them ahead. */
export type StartOptions = Parameters<Supervisor['start']>[0];

type ExitInfo = { code: number | null; signal: string | null };

const stderrTailChars = 16 * 1024;
const defaultGraceMs = 5000;

/** A trusted child in its own process group, so stopping it reaches everything it forked. */
class ManagedProcess implements SupervisedProcess {
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private readonly stderr = new TailBuffer(stderrTailChars);

  constructor(
    readonly name: string,
    readonly pid: number,
    child: ChildProcess,
    onLine: ((line: string) => void) | undefined,
  ) {
    // stdout is always drained, even without a listener, so a chatty child never blocks.
    const lines = new LineSplitter(onLine ?? (() => undefined));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => lines.push(chunk));
    child.stdout?.on('end', () => lines.flush());
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.stderr.push(chunk));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        // Whatever the leader left behind in its group goes with it.
        signalGroup(pid, 'SIGKILL');
        untrackGroup(pid);
        resolve(this.exitInfo);
      });
    });
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** The last characters the process wrote to stderr, for error messages. */
  stderrTail(): string {
    return this.stderr.toString();
  }

  /** Sends `signal` to the group, then SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = defaultGraceMs): Promise<void> {
    if (!this.running) return;
    signalGroup(this.pid, signal);
    const abandon = new AbortController();
    const graceOver = delay(graceMs, true, { signal: abandon.signal }).catch(() => false);
    const killed = await Promise.race([this.exited.then(() => false), graceOver]);
    abandon.abort();
    if (killed) signalGroup(this.pid, 'SIGKILL');
    await this.exited;
  }
}

/** Starts and reaps trusted processes; a process 'exit' hook kills any still running. */
export class ProcessSupervisor implements Supervisor {
  private readonly processes = new Set<ManagedProcess>();

  /** Spawns without a shell; the environment is exactly `env` (nothing inherited). */
  start(options: StartOptions): Promise<SupervisedProcess> {
    const [program, ...args] = options.command;
    if (options.name === '' || program === undefined || program === '') {
      return Promise.reject(new SandboxError('bad-spec', 'a process needs a name and a command'));
    }
    return new Promise((resolve, reject) => {
      const child = spawn(program, args, {
        cwd: options.cwd,
        env: options.env ?? {},
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.once('error', (error) => {
        const message = `could not start ${options.name} (${program}): ${error.message}`;
        reject(new SandboxError('unavailable', message, { cause: error }));
      });
      child.once('spawn', () => {
        const pid = child.pid as number; // set once 'spawn' has fired
        trackGroup(pid);
        const managed = new ManagedProcess(options.name, pid, child, options.onLine);
        this.processes.add(managed);
        void managed.exited.then(() => this.processes.delete(managed));
        resolve(managed);
      });
    });
  }

  /** The processes still running. */
  list(): SupervisedProcess[] {
    return [...this.processes].filter((managed) => managed.running);
  }

  /** Stops every running process (SIGTERM, then SIGKILL after the grace period). */
  async stopAll(signal?: NodeJS.Signals, graceMs?: number): Promise<void> {
    await Promise.all([...this.processes].map((managed) => managed.stop(signal, graceMs)));
  }
}

/** A new supervisor; call stopAll() when done (the exit hook is the last resort). */
export function createSupervisor(): ProcessSupervisor {
  return new ProcessSupervisor();
}
