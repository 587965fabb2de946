import { expect, it } from 'vitest';
import { StoreError } from '../errors.js';
import type { PackVersionRecord } from '../pack-records-port.js';
import { newOrg, type ContractHarness } from './fixtures.js';

function aVersion(orgId: string, overrides: Partial<PackVersionRecord> = {}): PackVersionRecord {
  return {
    orgId,
    name: '@acme/itops',
    version: '1.0.0',
    digest: `sha256:${'a'.repeat(64)}`,
    manifestDigest: `sha256:${'b'.repeat(64)}`,
    publisher: 'acme',
    signerKeyId: `sha256:${'c'.repeat(64)}`,
    description: 'ops',
    archive: Buffer.from('archive bytes').toString('base64'),
    envelope: '{"payloadType":"x"}',
    publishedBy: 'publisher',
    publishedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Pack versions, admissions, quarantines and trusted keys. */
export function packRecordContract(harness: ContractHarness): void {
  it('keeps a published version byte for byte and refuses a second one with the same number', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const version = aVersion(orgId);
    await store.packs.insertVersion(version);
    expect(await store.packs.getVersion(orgId, '@acme/itops', '1.0.0')).toEqual(version);
    await expect(
      store.packs.insertVersion(aVersion(orgId, { digest: `sha256:${'d'.repeat(64)}` })),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(store.packs.insertVersion(aVersion(orgId))).rejects.toBeInstanceOf(StoreError);
    const { archive: _archive, envelope: _envelope, ...summary } = version;
    expect(await store.packs.listVersions(orgId)).toEqual([summary]);
    expect(await store.packs.listVersions(orgId, { name: '@acme/other' })).toEqual([]);
    expect(await store.packs.getVersion(newOrg(), '@acme/itops', '1.0.0')).toBeUndefined();
  });

  it('admits a version per environment and replaces an admission given again', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const version = aVersion(orgId);
    await store.packs.insertVersion(version);
    const base = {
      orgId,
      name: version.name,
      version: version.version,
      digest: version.digest,
      approvalId: null,
      admittedBy: 'publisher',
      admittedAt: '2026-01-01T00:00:00.000Z',
    };
    await store.packs.admit({ ...base, environment: 'dev', approvers: [] });
    await store.packs.admit({
      ...base,
      environment: 'prod',
      approvers: ['a'],
      approvalId: 'apr_1',
    });
    await store.packs.admit({
      ...base,
      environment: 'prod',
      approvers: ['a', 'b'],
      approvalId: 'apr_2',
    });
    const prod = await store.packs.admissions(orgId, { environment: 'prod' });
    expect(prod).toEqual([
      { ...base, environment: 'prod', approvers: ['a', 'b'], approvalId: 'apr_2' },
    ]);
    expect((await store.packs.admissions(orgId)).map((row) => row.environment)).toEqual([
      'dev',
      'prod',
    ]);
  });

  it('quarantines, releases once, and quarantines again', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const quarantine = {
      orgId,
      name: '@acme/itops',
      version: '1.0.0',
      reason: 'dropper found',
      quarantinedBy: 'secadmin',
      quarantinedAt: '2026-01-01T00:00:00.000Z',
    };
    await store.packs.quarantine(quarantine);
    expect(await store.packs.quarantines(orgId, { activeOnly: true })).toHaveLength(1);
    expect(
      await store.packs.release(
        orgId,
        '@acme/itops',
        '1.0.0',
        'approver',
        '2026-01-02T00:00:00.000Z',
      ),
    ).toBe(true);
    expect(
      await store.packs.release(
        orgId,
        '@acme/itops',
        '1.0.0',
        'approver',
        '2026-01-02T00:00:00.000Z',
      ),
    ).toBe(false);
    expect(await store.packs.quarantines(orgId, { activeOnly: true })).toEqual([]);
    expect(await store.packs.quarantines(orgId)).toEqual([
      { ...quarantine, releasedAt: '2026-01-02T00:00:00.000Z', releasedBy: 'approver' },
    ]);
    await store.packs.quarantine({ ...quarantine, reason: 'again' });
    expect(await store.packs.quarantines(orgId, { activeOnly: true })).toEqual([
      { ...quarantine, reason: 'again', releasedAt: null, releasedBy: null },
    ]);
  });

  it('trusts keys per environment, removes them once, and trusts a removed key anew', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const key = {
      orgId,
      environment: 'prod' as const,
      keyId: `sha256:${'e'.repeat(64)}`,
      algorithm: 'ed25519',
      publicKeyPem: '-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n',
      publisher: 'acme',
      names: ['@acme/*'],
      addedBy: 'secadmin',
      addedAt: '2026-01-01T00:00:00.000Z',
    };
    await store.packs.addTrustedKey(key);
    await store.packs.addTrustedKey({ ...key, environment: 'dev' });
    expect(await store.packs.trustedKeys(orgId, { environment: 'prod' })).toEqual([
      { ...key, removedAt: null, removedBy: null, removalReason: null },
    ]);
    const removal = { by: 'secadmin', at: '2026-01-02T00:00:00.000Z', reason: 'leaked' };
    expect(await store.packs.removeTrustedKey(orgId, 'prod', key.keyId, removal)).toBe(true);
    expect(await store.packs.removeTrustedKey(orgId, 'prod', key.keyId, removal)).toBe(false);
    expect(await store.packs.trustedKeys(orgId, { environment: 'prod' })).toEqual([]);
    expect((await store.packs.trustedKeys(orgId)).map((row) => row.environment)).toEqual(['dev']);
    expect(
      await store.packs.trustedKeys(orgId, { environment: 'prod', includeRemoved: true }),
    ).toEqual([{ ...key, removedAt: removal.at, removedBy: 'secadmin', removalReason: 'leaked' }]);
    await store.packs.addTrustedKey({ ...key, addedAt: '2026-01-03T00:00:00.000Z' });
    expect(await store.packs.trustedKeys(orgId, { environment: 'prod' })).toHaveLength(1);
  });
}
