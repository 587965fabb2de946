import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SupervisedProcess, Supervisor } from '../../sandbox/index.js';
import { ApiError } from '../errors.js';

/** The repository's root: the scenario targets live in its targets/ folder. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A local stand-in system for a scenario (not part of Castellan), run by the supervisor. */
export interface TargetSpec {
  /** The supervised process's name, also used in errors ("the <name> did not start"). */
  name: string;
  /** What the error calls it, e.g. "itops fleet". */
  what: string;
  /** The script under the repository root, run with tsx. */
  script: string;
  args: string[];
  timeoutMs?: number;
}

/**
 * Starts a target through the supervisor and waits for the JSON line with which it announces
 * `{"listening": URL}`. A target that exits or stays silent past the timeout is killed, and
 * the caller hears why.
 */
export async function startTarget(
  supervisor: Supervisor,
  spec: TargetSpec,
): Promise<{ url: string; process: SupervisedProcess }> {
  let announce: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolvePromise) => (announce = resolvePromise));
  const process = await supervisor.start({
    name: spec.name,
    command: [
      globalThis.process.execPath,
      '--import',
      'tsx',
      join(REPO_ROOT, spec.script),
      ...spec.args,
    ],
    cwd: REPO_ROOT,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    onLine: (line) => {
      try {
        const parsed = JSON.parse(line) as { listening?: unknown };
        if (typeof parsed.listening === 'string') announce(parsed.listening);
      } catch {
        // not the ready line
      }
    },
  });
  const timeoutMs = spec.timeoutMs ?? 20_000;
  const url = await Promise.race([
    listening,
    process.exited.then(() => undefined),
    new Promise<undefined>((resolvePromise) =>
      setTimeout(() => resolvePromise(undefined), timeoutMs).unref(),
    ),
  ]);
  if (url === undefined) {
    await process.stop('SIGKILL', 0);
    throw new ApiError('bad-input', `the ${spec.what} did not start within ${timeoutMs} ms`);
  }
  return { url, process };
}
