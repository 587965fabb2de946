/**
 * The R&D provisioning scenario in process: the signed pack's script provisions a test
 * environment in the sandbox work folder (checked as files on the host); a tampered copy and a
 * copy signed by an untrusted key are refused by the registry and never listed; the pack's
 * scripts that reach for the network or the host's secrets are stopped, and the trail has them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CastellanService, initHome, runRndScenario } from '../../src/api/index.js';
import { readEnvironment } from '../../src/config/index.js';

const environment = readEnvironment({});
const home = mkdtempSync(join(tmpdir(), 'castellan-rnd-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the R&D provisioning scenario', () => {
  it('provisions from the signed pack, refuses tampered copies and stops hostile scripts', async () => {
    await initHome(home, { environment });
    const denials: string[] = [];
    const summary = await runRndScenario(home, (event) => {
      if (event.kind === 'denial') denials.push(event.text);
    });
    expect(summary.checks.filter((check) => !check.ok)).toEqual([]);
    expect(summary.status).toBe('completed');
    const env = join(home, 'work', summary.runId, '0', 'env');
    expect(JSON.parse(readFileSync(join(env, 'config', 'service.json'), 'utf8'))).toMatchObject({
      environment: 'rnd-test',
    });
    expect(JSON.parse(readFileSync(join(env, 'data', 'status.json'), 'utf8'))).toMatchObject({
      healthy: true,
    });
    expect(existsSync(join(env, 'logs', 'heartbeat'))).toBe(true);
    expect(denials.filter((text) => text.includes(' refused: '))).toHaveLength(2);
    expect(denials.find((text) => text.startsWith('fetch-toolchain stopped'))).toContain(
      'Could not resolve host',
    );

    const service = await CastellanService.open(home, { environment });
    try {
      const auditor = await service.localUser('auditor');
      const publisher = await service.localUser('publisher');
      // Neither refused copy reached the registry.
      const versions = (await service.packs.list(publisher))
        .filter((pack) => pack.name === '@castellan/rnd')
        .map((pack) => pack.version);
      expect(versions).toEqual(['0.1.0']);
      const entries = await service.auditEntries(auditor, {});
      const failed = entries.filter((entry) => entry.type === 'tool-call-failed');
      expect(failed.map((entry) => entry.tool?.split('/').at(-1)).sort()).toEqual([
        'collect-credentials',
        'fetch-toolchain',
      ]);
      const provisioned = entries.filter(
        (entry) => entry.type === 'tool-call-succeeded' && entry.runId === summary.runId,
      );
      expect(provisioned.map((entry) => entry.tool)).toEqual(['@castellan/rnd/provision-env']);
      expect(summary.audit.ok).toBe(true);
    } finally {
      await service.close();
    }
  }, 180_000);
});
