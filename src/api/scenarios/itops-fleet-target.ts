import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SupervisedProcess, Supervisor } from '../../sandbox/index.js';
import { ApiError } from '../errors.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A running itops fleet: where to reach it and where its logs are. */
export interface RunningFleet {
  url: string;
  logDir: string;
  stateDir: string;
  process: SupervisedProcess;
}

/**
 * Starts the itops fleet (a stand-in for a service manager, not part of Castellan) through the
 * supervisor, and waits for its "listening" line.
 */
export async function startItopsFleet(
  supervisor: Supervisor,
  stateDir: string,
  options: { degradeAfterMs?: number; timeoutMs?: number } = {},
): Promise<RunningFleet> {
  mkdirSync(stateDir, { recursive: true });
  let announce: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolvePromise) => (announce = resolvePromise));
  const process = await supervisor.start({
    name: 'itops-fleet',
    command: [
      globalThis.process.execPath,
      '--import',
      'tsx',
      join(REPO_ROOT, 'targets/itops-fleet/fleet.ts'),
      '--dir',
      stateDir,
      '--port',
      '0',
      '--degrade-after-ms',
      String(options.degradeAfterMs ?? 300),
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
  const timeoutMs = options.timeoutMs ?? 20_000;
  const url = await Promise.race([
    listening,
    process.exited.then(() => undefined),
    new Promise<undefined>((resolvePromise) =>
      setTimeout(() => resolvePromise(undefined), timeoutMs).unref(),
    ),
  ]);
  if (url === undefined) {
    await process.stop('SIGKILL', 0);
    throw new ApiError('bad-input', `the itops fleet did not start within ${timeoutMs} ms`);
  }
  return { url, logDir: join(stateDir, 'logs'), stateDir, process };
}

/** Waits until the fleet reports an unhealthy service (the incident), or gives up. */
export async function waitForIncident(
  url: string,
  timeoutMs = 15_000,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(new URL('/services', url), {
        signal: AbortSignal.timeout(2000),
      });
      const services = (await response.json()) as Array<{ name: string; healthy: boolean }>;
      const sick = Array.isArray(services)
        ? services.find((service) => service.healthy === false)
        : undefined;
      if (sick !== undefined) return sick.name;
    } catch {
      // not ready yet
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 150));
  }
  return undefined;
}
