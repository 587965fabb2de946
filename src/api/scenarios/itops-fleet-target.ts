import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SupervisedProcess, Supervisor } from '../../sandbox/index.js';
import { startTarget } from './start-target.js';

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
  const { url, process } = await startTarget(supervisor, {
    name: 'itops-fleet',
    what: 'itops fleet',
    script: 'targets/itops-fleet/fleet.ts',
    args: [
      '--dir',
      stateDir,
      '--port',
      '0',
      '--degrade-after-ms',
      String(options.degradeAfterMs ?? 300),
    ],
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
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
