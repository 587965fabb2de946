import { expect, it } from 'vitest';
import { StoreError } from '../errors.js';
import { newOrg, type ContractHarness } from './fixtures.js';

const at = '2026-01-01T00:00:00.000Z';
const limits = { run: { bytes: 100, records: 5 }, destination: { bytes: 60, records: 3 } };

/** The guard's vault and egress counters, and policy governance. */
export function guardPolicyContract(harness: ContractHarness): void {
  it('keeps a run vault apart from other runs and refuses a placeholder taken twice', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const entry = {
      orgId,
      runId: 'run_a',
      placeholder: '[EMAIL_1]',
      dataClass: 'email',
      value: 'jane@example.com',
      digest: 'd1',
      createdAt: at,
    };
    await store.guardVault.insert([entry, { ...entry, placeholder: '[EMAIL_2]', digest: 'd2' }]);
    await store.guardVault.insert([{ ...entry, runId: 'run_b' }]);
    expect((await store.guardVault.forRun(orgId, 'run_a')).map((row) => row.placeholder)).toEqual([
      '[EMAIL_1]',
      '[EMAIL_2]',
    ]);
    expect(await store.guardVault.forRun(orgId, 'run_b')).toHaveLength(1);
    const clash = await store.guardVault.insert([entry]).catch((error: unknown) => error);
    expect(clash).toBeInstanceOf(StoreError);
    expect((clash as StoreError).code).toBe('conflict');
  });

  it('charges egress per run and destination and refuses a charge past a limit, changing nothing', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const first = await store.egress.charge(
      orgId,
      'run_1',
      'mail:a',
      { bytes: 40, records: 2 },
      limits,
      at,
    );
    expect(first).toEqual({
      ok: true,
      totals: { run: { bytes: 40, records: 2 }, destination: { bytes: 40, records: 2 } },
    });
    const over = await store.egress.charge(
      orgId,
      'run_1',
      'mail:a',
      { bytes: 30, records: 0 },
      limits,
      at,
    );
    expect(over).toMatchObject({ ok: false, exceeded: ['destination-bytes'] });
    const other = await store.egress.charge(
      orgId,
      'run_1',
      'mail:b',
      { bytes: 50, records: 3 },
      limits,
      at,
    );
    expect(other).toMatchObject({ ok: true, totals: { run: { bytes: 90, records: 5 } } });
    const runOver = await store.egress.charge(
      orgId,
      'run_1',
      'mail:c',
      { bytes: 1, records: 1 },
      limits,
      at,
    );
    expect(runOver).toMatchObject({ ok: false, exceeded: ['run-records'] });
    expect(await store.egress.totals(orgId, 'run_1', 'mail:a')).toEqual({
      run: { bytes: 90, records: 5 },
      destination: { bytes: 40, records: 2 },
    });
  });

  it('shares egress counters between store instances and never overspends under concurrency', async () => {
    const store = harness.store();
    const another = await harness.openAnother();
    const orgId = newOrg();
    const charges = Array.from({ length: 20 }, (_, index) =>
      (index % 2 === 0 ? store : another).egress.charge(
        orgId,
        'run_1',
        'dest',
        { bytes: 10, records: 0 },
        { run: { bytes: 95, records: 100 }, destination: { bytes: 95, records: 100 } },
        at,
      ),
    );
    const results = await Promise.all(charges);
    expect(results.filter((result) => result.ok)).toHaveLength(9);
    expect((await another.egress.totals(orgId, 'run_1', 'dest')).run.bytes).toBe(90);
  });

  it('proposes versions without activating them and activates by compare-and-set', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const record = {
      orgId,
      digest: 'sha256:1',
      policies: { 'a.cedar': 'x' },
      createdBy: 'sec',
      createdAt: at,
    };
    const first = await store.policies.activate(record);
    const proposed = await store.policyGovernance.propose({ ...record, digest: 'sha256:2' });
    expect(proposed).toMatchObject({ version: first.version + 1, active: false });
    expect((await store.policies.active(orgId))?.version).toBe(first.version);
    expect(
      await store.policyGovernance.activateVersion(orgId, proposed.version, 99),
    ).toBeUndefined();
    const activated = await store.policyGovernance.activateVersion(
      orgId,
      proposed.version,
      first.version,
    );
    expect(activated).toMatchObject({
      version: proposed.version,
      active: true,
      digest: 'sha256:2',
    });
    expect((await store.policies.active(orgId))?.version).toBe(proposed.version);
    expect((await store.policies.get(orgId, first.version))?.active).toBe(false);
  });

  it('sets, replaces and clears the shadow policy set', async () => {
    const store = harness.store();
    const orgId = newOrg();
    expect(await store.policyGovernance.shadow(orgId)).toBeUndefined();
    await store.policyGovernance.setShadow(orgId, 3, 'sec', at);
    await store.policyGovernance.setShadow(orgId, 4, 'sec2', at);
    expect(await store.policyGovernance.shadow(orgId)).toEqual({
      orgId,
      version: 4,
      setBy: 'sec2',
      setAt: at,
    });
    await store.policyGovernance.setShadow(orgId, null, 'sec', at);
    expect(await store.policyGovernance.shadow(orgId)).toBeUndefined();
  });
}
