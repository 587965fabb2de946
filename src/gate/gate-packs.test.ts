/**
 * The resolve stage's pack rules against a real store: outside dev only signed, admitted,
 * non-quarantined packs whose digest matches the agent's exact pin resolve, each refusal coded.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildPackArchive,
  generatePublisherKey,
  parsePrivateKey,
  PackGuard,
  publishPack,
  signPackArchive,
} from '../packs/index.js';
import { unsafeExecuteForTests } from '../store/testing.js';
import { createGateHarness, TEST_ORG, type GateHarness } from './__fixtures__/gate-harness.js';

const testkitDir = join(import.meta.dirname, '__fixtures__', 'packs', 'testkit');
const at = '2026-11-26T12:00:00.000Z';

describe('gate: signed packs outside dev', () => {
  let harness: GateHarness;
  let guard: PackGuard;
  let clockMs = 0;
  let pin: string;
  let keyId: string;

  beforeEach(async () => {
    clockMs = 0;
    harness = await createGateHarness({
      environment: 'prod',
      packs: (store) => {
        guard = new PackGuard(store, TEST_ORG, 'prod', { now: () => clockMs });
        return guard;
      },
    });
    const pair = generatePublisherKey('ed25519');
    keyId = pair.keyId;
    for (const environment of ['dev', 'prod'] as const)
      await harness.store.packs.addTrustedKey({
        orgId: TEST_ORG,
        environment,
        keyId: pair.keyId,
        algorithm: pair.algorithm,
        publicKeyPem: pair.publicKeyPem,
        publisher: 'castellan-tests',
        names: ['@test/*'],
        addedBy: 'secadmin',
        addedAt: at,
      });
    const archive = (await buildPackArchive(testkitDir)).bytes;
    const { envelope } = signPackArchive(archive, parsePrivateKey(pair.privateKeyPem), {
      builder: 'test',
      sourceRevision: 'test',
    });
    const { record } = await publishPack(harness.store, TEST_ORG, {
      archive,
      envelope: JSON.stringify(envelope),
      publishedBy: 'publisher',
      at,
    });
    await harness.store.packs.admit({
      orgId: TEST_ORG,
      name: record.name,
      version: record.version,
      digest: record.digest,
      environment: 'prod',
      approvers: ['approver', 'approver2'],
      approvalId: 'apr_test',
      admittedBy: 'publisher',
      admittedAt: at,
    });
    pin = `${record.name}@${record.version}#${record.digest}`;
  });

  afterEach(async () => {
    await harness.close();
  });

  async function call(packs: string[]) {
    return harness.gate.handle(
      await harness.request(
        '@test/testkit/echo',
        { text: 'hi' },
        {
          agent: { ...harness.agent, packs },
        },
      ),
    );
  }

  it('runs a signed, admitted pack pinned by version and digest', async () => {
    const outcome = await call([pin]);
    expect(outcome).toMatchObject({ outcome: 'executed', toolId: '@test/testkit/echo' });
    expect(harness.recorder.calls).toHaveLength(1);
  });

  it('refuses an unsigned local pack in prod, even pinned by its digest', async () => {
    await unsafeExecuteForTests(harness.store, 'delete from pack_admissions');
    await unsafeExecuteForTests(harness.store, 'delete from pack_versions');
    const outcome = await call([pin]);
    expect(outcome).toMatchObject({
      outcome: 'denied',
      stage: 'resolve',
      code: 'unsigned-pack-refused',
    });
    expect(harness.recorder.calls).toHaveLength(0);
  });

  it('refuses an entry without an exact digest', async () => {
    const outcome = await call(['@test/testkit@1.0.0']);
    expect(outcome).toMatchObject({ outcome: 'denied', code: 'pack-not-pinned' });
  });

  it('refuses a pin whose digest is not the published content', async () => {
    const outcome = await call([`@test/testkit@1.0.0#sha256:${'0'.repeat(64)}`]);
    expect(outcome).toMatchObject({ outcome: 'denied', code: 'pin-mismatch' });
  });

  it('refuses a pack not admitted to prod', async () => {
    await unsafeExecuteForTests(
      harness.store,
      "delete from pack_admissions where environment = 'prod'",
    );
    guard.invalidate();
    expect(await call([pin])).toMatchObject({ outcome: 'denied', code: 'pack-not-admitted' });
  });

  it('blocks the next call at once when the pack is quarantined here', async () => {
    expect((await call([pin])).outcome).toBe('executed');
    await harness.store.packs.quarantine({
      orgId: TEST_ORG,
      name: '@test/testkit',
      version: '1.0.0',
      reason: 'dropper found in echo',
      quarantinedBy: 'secadmin',
      quarantinedAt: at,
    });
    guard.invalidate();
    const outcome = await call([pin]);
    expect(outcome).toMatchObject({ outcome: 'denied', code: 'pack-quarantined' });
    expect(outcome.outcome === 'denied' && outcome.reason).toMatch(/dropper found in echo/);
    expect(harness.recorder.calls).toHaveLength(1);
  });

  it('sees a quarantine made by another process within a second', async () => {
    expect((await call([pin])).outcome).toBe('executed');
    await harness.store.packs.quarantine({
      orgId: TEST_ORG,
      name: '@test/testkit',
      version: '1.0.0',
      reason: 'elsewhere',
      quarantinedBy: 'secadmin',
      quarantinedAt: at,
    });
    clockMs = 500; // the cached state may still be used...
    expect((await call([pin])).outcome).toBe('executed');
    clockMs = 1001; // ...but not past a second
    expect(await call([pin])).toMatchObject({ outcome: 'denied', code: 'pack-quarantined' });
  });

  it('blocks a pack at once when its signing key is removed from the trust store', async () => {
    expect((await call([pin])).outcome).toBe('executed');
    await harness.store.packs.removeTrustedKey(TEST_ORG, 'prod', keyId, {
      by: 'secadmin',
      at,
      reason: 'key leaked',
    });
    guard.invalidate();
    expect(await call([pin])).toMatchObject({ outcome: 'denied', code: 'signer-not-trusted' });
  });

  it('refuses a pack whose archive was changed in the database', async () => {
    const tampered = Buffer.from(
      (
        (await unsafeExecuteForTests(harness.store, 'select archive from pack_versions')) as Array<{
          archive: string;
        }>
      )[0]!.archive,
      'base64',
    );
    tampered[600] = (tampered[600] ?? 0) ^ 1;
    await unsafeExecuteForTests(
      harness.store,
      `update pack_versions set archive = '${tampered.toString('base64')}'`,
    );
    const outcome = await call([pin]);
    expect(outcome).toMatchObject({
      outcome: 'denied',
      stage: 'resolve',
      code: 'subject-digest-mismatch',
    });
    expect(harness.recorder.calls).toHaveLength(0);
  });

  it('denies when the pack state cannot be read', async () => {
    await unsafeExecuteForTests(harness.store, 'drop table pack_quarantines');
    guard.invalidate();
    expect(await call([pin])).toMatchObject({ outcome: 'denied', code: 'pack-state-unavailable' });
  });
});
