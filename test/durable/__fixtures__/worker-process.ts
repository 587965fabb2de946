/** Starts the durability worker as a child process and reads its JSON lines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const WORKER = resolve(import.meta.dirname, 'durable-worker.ts');
const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** A running worker: its lines so far, a promise of its exit, and a way to kill -9 it. */
export interface WorkerProcess {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  stderr(): string;
  /** Resolves with the first line that has `key`. */
  waitFor(key: string): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill9(): void;
}

export function startWorker(args: string[]): WorkerProcess {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', WORKER, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ key: string; resolve: (line: Record<string, unknown>) => void }> = [];
  let buffer = '';
  let errors = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let cut = buffer.indexOf('\n');
    while (cut >= 0) {
      const text = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 1);
      cut = buffer.indexOf('\n');
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        for (const waiter of waiters.filter((each) => each.key in line)) waiter.resolve(line);
      } catch {
        // not one of ours
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  return {
    child,
    lines,
    stderr: () => errors,
    waitFor: (key) =>
      new Promise((resolvePromise, reject) => {
        const found = lines.find((line) => key in line);
        if (found !== undefined) return resolvePromise(found);
        waiters.push({ key, resolve: resolvePromise });
        void exited.then((exit) =>
          reject(
            new Error(`worker exited (${exit.code ?? exit.signal}) before "${key}": ${errors}`),
          ),
        );
      }),
    exited,
    kill9: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
