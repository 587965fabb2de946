import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { unsafeExecuteForTests } from '../store/testing.js';
import { AuditLog } from './audit-log.js';
import { verifyChain } from './verify.js';

const ORG = 'default';

/** An attacker with database access first removes the append-only triggers. */
async function dropTriggers(store: Store): Promise<void> {
  const triggers = (await unsafeExecuteForTests(
    store,
    "SELECT name FROM sqlite_master WHERE type = 'trigger'",
  )) as Array<{ name: string }>;
  for (const trigger of triggers)
    await unsafeExecuteForTests(store, `DROP TRIGGER "${trigger.name}"`);
}

describe('the audit hash chain', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    const log = new AuditLog(store, ORG, new ManualClock());
    for (let index = 0; index < 20; index += 1) {
      await log.append({
        type: 'run-status-changed',
        runId: `run_${index % 3}`,
        actor: { user: 'operator' },
        details: { index },
      });
    }
  });
  afterEach(async () => {
    await store.close();
  });

  it('verifies a clean log', async () => {
    expect(await verifyChain(store, ORG)).toMatchObject({ ok: true, entries: 20 });
  });

  it('verifies an empty log', async () => {
    expect(await verifyChain(store, 'nobody')).toMatchObject({ ok: true, entries: 0 });
  });

  it('finds an edited entry', async () => {
    await dropTriggers(store);
    await unsafeExecuteForTests(
      store,
      `UPDATE audit_log SET entry = replace(entry, '"index":7', '"index":70') WHERE seq = 8`,
    );
    expect(await verifyChain(store, ORG)).toMatchObject({
      ok: false,
      firstBadSeq: 8,
      reason: expect.stringMatching(/edited/),
    });
  });

  it('finds a deleted entry', async () => {
    await dropTriggers(store);
    await unsafeExecuteForTests(store, 'DELETE FROM audit_log WHERE seq = 5');
    expect(await verifyChain(store, ORG)).toMatchObject({
      ok: false,
      firstBadSeq: 5,
      reason: expect.stringMatching(/gap/),
    });
  });

  it('finds two entries swapped', async () => {
    await dropTriggers(store);
    await unsafeExecuteForTests(store, 'UPDATE audit_log SET seq = -1 WHERE seq = 3');
    await unsafeExecuteForTests(store, 'UPDATE audit_log SET seq = 3 WHERE seq = 4');
    await unsafeExecuteForTests(store, 'UPDATE audit_log SET seq = 4 WHERE seq = -1');
    expect(await verifyChain(store, ORG)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });
});
