/**
 * Homes for the approvals, durability and rollback suites: made by `init` like any home, in the
 * dev environment (so the counter test pack loads unsigned), with the counter pack beside the
 * shipped ones and a `counter-agent` that uses it.
 */
import { join, resolve } from 'node:path';
import { CastellanService, initHome, SHIPPED_PACKS_DIR } from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';

/** The folder holding the counter test pack. */
export const TEST_PACKS_DIR = resolve(import.meta.dirname, '../fixtures/packs');

/** An environment that ignores the caller's CASTELLAN_* variables. */
export const cleanEnvironment = readEnvironment({});

/** Creates a dev home with the counter pack and agent; `settings` are merged into castellan.json. */
export async function initDurableHome(
  home: string,
  settings: Record<string, unknown> = {},
): Promise<void> {
  await initHome(home, {
    environment: cleanEnvironment,
    settings: {
      environment: 'dev',
      packs: { paths: [SHIPPED_PACKS_DIR, TEST_PACKS_DIR], allowUnsignedIn: ['dev'] },
      ...settings,
    },
  });
  const service = await CastellanService.open(home, { environment: cleanEnvironment });
  try {
    const orgId = service.config.organisation.id;
    await service.store.agents.upsert({
      orgId,
      id: 'counter-agent',
      description: 'Changes counters; the target of the crash and restart tests.',
      owner: 'admin',
      environment: 'dev',
      packs: ['@test/counter'],
      scopes: ['counter:value.read', 'counter:value.write'],
      planner: { kind: 'scripted' },
      createdAt: new Date().toISOString(),
    });
  } finally {
    await service.close();
  }
}

/** The settings that point the connectors at running targets. */
export function connectorSettings(targets: {
  fleet?: { url: string; logDir: string };
  counter?: { url: string };
}): Record<string, unknown> {
  return {
    connectors: {
      ...(targets.fleet === undefined
        ? {}
        : { 'itops-fleet': { url: targets.fleet.url, logDir: targets.fleet.logDir } }),
      ...(targets.counter === undefined ? {} : { counter: { url: targets.counter.url } }),
    },
  };
}

/** Where a folder's home lives. */
export function homeIn(folder: string): string {
  return join(folder, 'home');
}
