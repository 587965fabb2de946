import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type Store } from '../../store/index.js';
import { unsafeExecuteForTests } from '../../store/testing.js';
import { signedItops } from '../__fixtures__/signed-pack.js';
import { createCatalog } from '../catalog.js';
import type { ResolvedTool } from '../types.js';
import { loadAdmittedPacks } from './load-admitted.js';
import { decidePack } from './pack-guard.js';
import { loadPackState } from './pack-state.js';
import { publishPack, verifyForEnvironment } from './publish.js';

const orgId = 'default';
const at = '2026-11-26T12:00:00.000Z';

describe('the registry on a real store', () => {
  let folder: string;
  let store: Store;
  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'castellan-registry-'));
    store = await openSqliteStore(join(folder, 'castellan.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function trustAndPublish() {
    const signed = await signedItops();
    for (const environment of ['dev', 'prod'] as const)
      await store.packs.addTrustedKey({
        orgId,
        environment,
        ...signed.publisher.trusted,
        addedBy: 'secadmin',
        addedAt: at,
      });
    const published = await publishPack(store, orgId, {
      archive: signed.archive,
      envelope: signed.text,
      publishedBy: 'publisher',
      at,
    });
    return { signed, published };
  }

  it('publishes once, admits to dev, and refuses the same version again', async () => {
    const { signed, published } = await trustAndPublish();
    expect(await store.packs.admissions(orgId)).toMatchObject([
      { environment: 'dev', digest: published.record.digest },
    ]);
    await expect(
      publishPack(store, orgId, {
        archive: signed.archive,
        envelope: signed.text,
        publishedBy: 'p',
        at,
      }),
    ).rejects.toMatchObject({ code: 'version-conflict' });
  });

  it('verifies a stored version again for an environment, and refuses one whose key is not trusted there', async () => {
    const { published } = await trustAndPublish();
    const verified = await verifyForEnvironment(store, orgId, '@castellan/itops', '0.1.0', 'prod');
    expect(verified.record.digest).toBe(published.record.digest);
    await expect(
      verifyForEnvironment(store, orgId, '@castellan/itops', '0.1.0', 'staging'),
    ).rejects.toMatchObject({ code: 'no-trusted-keys' });
    await expect(
      verifyForEnvironment(store, orgId, '@castellan/itops', '9.9.9', 'prod'),
    ).rejects.toThrow(/not published/);
  });

  it('loads admitted versions, and reports one changed in the database instead of loading it', async () => {
    await trustAndPublish();
    const catalog = createCatalog([]);
    await loadAdmittedPacks(catalog, store, orgId, 'dev');
    expect(catalog.packs().map((pack) => [pack.manifest.name, pack.signed])).toEqual([
      ['@castellan/itops', true],
    ]);
    await unsafeExecuteForTests(store, "update pack_versions set archive = 'AAAA'");
    const fresh = createCatalog([]);
    await loadAdmittedPacks(fresh, store, orgId, 'dev');
    expect(fresh.packs()).toEqual([]);
    expect(fresh.problems).toMatchObject([{ path: 'registry:@castellan/itops@0.1.0' }]);
  });

  it('decides from the state alone: quarantine first, then pins, admission and key trust', async () => {
    await trustAndPublish();
    const catalog = createCatalog([]);
    await loadAdmittedPacks(catalog, store, orgId, 'dev');
    const [pack] = catalog.packs();
    const resolved = {
      pack: pack!,
      tool: [...pack!.tools.values()][0]!,
      pin: { name: pack!.manifest.name, version: pack!.manifest.version, digest: pack!.digest },
    } satisfies ResolvedTool;
    const state = await loadPackState(store, orgId);
    expect(decidePack(state, resolved, 'dev', ['dev'])).toEqual({ ok: true });
    expect(decidePack(state, resolved, 'prod', ['dev'])).toMatchObject({
      code: 'pack-not-admitted',
    });
    expect(
      decidePack(state, { ...resolved, pin: { name: pack!.manifest.name } }, 'prod', ['dev']),
    ).toMatchObject({ code: 'pack-not-pinned' });
    expect(
      decidePack(state, { ...resolved, pin: { ...resolved.pin, digest: 'sha256:0' } }, 'dev', [
        'dev',
      ]),
    ).toMatchObject({ code: 'pin-mismatch' });
    const unsigned = { ...resolved, pack: { ...pack!, signed: false, source: 'folder' as const } };
    expect(decidePack(state, unsigned, 'prod', ['dev'])).toMatchObject({
      code: 'unsigned-pack-refused',
    });
    const strangeSigner = {
      ...resolved,
      pack: { ...pack!, signer: { keyId: 'sha256:x', publisher: 'x' } },
    };
    expect(decidePack(state, strangeSigner, 'dev', ['dev'])).toMatchObject({
      code: 'signer-not-trusted',
    });
    await store.packs.quarantine({
      orgId,
      name: '@castellan/itops',
      version: '0.1.0',
      reason: 'r',
      quarantinedBy: 's',
      quarantinedAt: at,
    });
    expect(decidePack(await loadPackState(store, orgId), resolved, 'dev', ['dev'])).toMatchObject({
      code: 'pack-quarantined',
    });
  });
});
