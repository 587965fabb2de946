/**
 * Starts a stand-in system through Castellan's supervisor and waits for the JSON line with which
 * every target announces `{"listening": url}`: 20 s at most, and a target that exits first fails
 * the start with its exit status. Used by the per-target starters (start-counter, start-fleet).
 */
import { fileURLToPath } from 'node:url';
import type { SupervisedProcess, Supervisor } from '../src/sandbox/index.js';

const repositoryRoot = fileURLToPath(new URL('../', import.meta.url));

export async function startListening(
  supervisor: Supervisor,
  target: {
    name: string;
    /** The target's script and its arguments; it runs under node with tsx. */
    script: string;
    args: string[];
    /** What an error calls it ("the counter"), and where to look when it dies. */
    what: string;
    hint?: string;
  },
): Promise<{ process: SupervisedProcess; url: string }> {
  let settle: { ready(url: string): void; failed(error: Error): void } | undefined;
  const ready = new Promise<string>((resolve, reject) => {
    settle = { ready: resolve, failed: reject };
  });
  const started = await supervisor.start({
    name: target.name,
    command: [
      process.execPath,
      '--import',
      import.meta.resolve('tsx'),
      target.script,
      ...target.args,
    ],
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
  const hint = target.hint === undefined ? '' : `; ${target.hint}`;
  void started.exited.then((exit) =>
    settle?.failed(
      new Error(`${target.what} exited before it was ready (${exit.code ?? exit.signal})${hint}`),
    ),
  );
  const timer = setTimeout(
    () => settle?.failed(new Error(`${target.what} was not ready within 20 s`)),
    20_000,
  );
  const url = await ready.finally(() => clearTimeout(timer));
  return { process: started, url };
}
