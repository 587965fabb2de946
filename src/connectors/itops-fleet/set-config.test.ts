import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupervisor } from '../../sandbox/index.js';
import { startFleet, type RunningFleet } from '../../../targets/itops-fleet/start-fleet.js';
import { callOf } from '../__fixtures__/calls.js';
import { ItopsFleetConnector } from '../index.js';

describe('set-config on the fleet', () => {
  const supervisor = createSupervisor();
  const connector = new ItopsFleetConnector();
  let dir: string;
  let fleet: RunningFleet;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'castellan-fleet-config-'));
    fleet = await startFleet(supervisor, { dir, incident: 'none' });
  });
  afterAll(async () => {
    await supervisor.stopAll();
    await rm(dir, { recursive: true, force: true });
  });

  it('previews the change as a diff without making it, then makes it', async () => {
    const next = { poolSize: 16, dbHost: 'db.internal', currency: 'EUR', timeoutMs: 500 };
    const call = callOf('set-config', { service: 'payments', config: next }, fleet.settings);
    const preview = await connector.preview(call);
    expect(preview?.diff).toEqual([
      { path: 'poolSize', op: 'replace', from: 8, to: 16 },
      { path: 'timeoutMs', op: 'add', to: 500 },
    ]);
    const file = join(dir, 'config', 'payments.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ poolSize: 8 });
    expect(await connector.invoke(call)).toEqual({
      ok: true,
      output: { name: 'payments', config: next },
    });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(next);
    expect(((await connector.observe(call)) as { config: unknown }).config).toEqual(next);
  });

  it('has no preview for a restart, and refuses a config that is not an object before sending it', async () => {
    expect(
      await connector.preview(callOf('restart-service', { service: 'web' }, fleet.settings)),
    ).toBeUndefined();
    await expect(
      connector.invoke(callOf('set-config', { service: 'web', config: [1] }, fleet.settings)),
    ).rejects.toMatchObject({ code: 'bad-args' });
  });

  it('answers a bad body with 400 and leaves the file as it was', async () => {
    const before = await readFile(join(dir, 'config', 'web.json'), 'utf8');
    for (const body of [
      'not json',
      '{"config":[1]}',
      JSON.stringify({ config: 'x'.repeat(70_000) }),
    ]) {
      const response = await fetch(new URL('/services/web/config', fleet.url), {
        method: 'PUT',
        body,
      });
      expect(response.status).toBe(400);
    }
    expect(await readFile(join(dir, 'config', 'web.json'), 'utf8')).toBe(before);
  });
});
