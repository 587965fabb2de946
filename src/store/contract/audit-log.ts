import { expect, it } from 'vitest';
import { StoreError } from '../errors.js';
import type { AuditRow, Store } from '../port.js';
import { unsafeExecuteForTests } from '../testing.js';
import { GENESIS, chainedRow, newOrg, type ContractHarness } from './fixtures.js';

function expectGaplessChain(rows: AuditRow[], count: number): void {
  expect(rows.map((row) => row.seq)).toEqual(
    Array.from({ length: count }, (_, index) => index + 1),
  );
  rows.forEach((row, index) => {
    expect(row.prevHash).toBe(index === 0 ? GENESIS : rows[index - 1]?.hash);
  });
}

async function appendMany(stores: Store[], orgId: string, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      stores[index % stores.length]!.audit.append(orgId, chainedRow(orgId, { index })),
    ),
  );
}

/** The audit log: one gapless chain per organisation, append-only in the database itself. */
export function auditLogContract(harness: ContractHarness): void {
  it('starts empty and round-trips appended entries', async () => {
    const store = harness.store();
    const orgId = newOrg();
    expect(await store.audit.tail(orgId)).toBeUndefined();
    expect(await store.audit.count(orgId)).toBe(0);
    expect(await store.audit.range(orgId, 1)).toEqual([]);
    const entry = { type: 'tool-call-allowed', runId: 'run_1', detail: { n: 1, ok: true } };
    const first = await store.audit.append(orgId, chainedRow(orgId, entry));
    const second = await store.audit.append(orgId, chainedRow(orgId, { type: 'run-started' }));
    const third = await store.audit.append(orgId, chainedRow(orgId, { type: 'x', runId: 'run_1' }));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS, entry });
    expect(await store.audit.tail(orgId)).toEqual({ seq: 3, hash: third.hash });
    expect(await store.audit.count(orgId)).toBe(3);
    expect(await store.audit.range(orgId, 1)).toEqual([first, second, third]);
    expect(await store.audit.range(orgId, 2, 2)).toEqual([second]);
    expect(await store.audit.range(orgId, 1, undefined, 2)).toEqual([first, second]);
    expect(await store.audit.forRun(orgId, 'run_1')).toEqual([first, third]);
    expect(await store.audit.count(newOrg())).toBe(0);
  });

  it('orders 50 concurrent appends into one gapless chain', async () => {
    const store = harness.store();
    const orgId = newOrg();
    await appendMany([store], orgId, 50);
    expectGaplessChain(await store.audit.range(orgId, 1), 50);
  });

  it('orders 50 concurrent appends from two store instances into one chain', async () => {
    const store = harness.store();
    const other = await harness.openAnother();
    const orgId = newOrg();
    await appendMany([store, other], orgId, 50);
    expectGaplessChain(await other.audit.range(orgId, 1), 50);
    expect(await store.audit.count(orgId)).toBe(50);
  });

  it('has the database refuse UPDATE and DELETE of audit rows', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const row = await store.audit.append(orgId, chainedRow(orgId, { type: 'kept' }));
    const update = unsafeExecuteForTests(
      store,
      `update audit_log set hash = 'forged' where org_id = '${orgId}'`,
    );
    await expect(update).rejects.toThrow(/audit_log is append-only/);
    const remove = unsafeExecuteForTests(store, `delete from audit_log where org_id = '${orgId}'`);
    await expect(remove).rejects.toThrow(/audit_log is append-only/);
    expect(await store.audit.range(orgId, 1)).toEqual([row]);
  });

  it('writes nothing when the insert fails, and the next append still chains', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const first = await store.audit.append(orgId, chainedRow(orgId, { type: 'one' }));
    const broken = store.audit.append(orgId, (tail) => ({
      ...chainedRow(orgId, { type: 'broken' })(tail),
      hash: null as unknown as string,
    }));
    await expect(broken).rejects.toThrow();
    expect(await store.audit.count(orgId)).toBe(1);
    const failure = new Error('signing key unreadable');
    const throwing = store.audit.append(orgId, () => {
      throw failure;
    });
    await expect(throwing).rejects.toBe(failure);
    const next = await store.audit.append(orgId, chainedRow(orgId, { type: 'two' }));
    expect(next).toMatchObject({ seq: 2, prevHash: first.hash });
  });

  it('refuses a row that would gap, fork or cross organisations', async () => {
    const store = harness.store();
    const orgId = newOrg();
    await store.audit.append(orgId, chainedRow(orgId, { type: 'one' }));
    const cases: Array<(row: AuditRow) => AuditRow> = [
      (row) => ({ ...row, seq: row.seq + 1 }),
      (row) => ({ ...row, prevHash: GENESIS }),
      (row) => ({ ...row, orgId: newOrg() }),
    ];
    for (const spoil of cases) {
      const append = store.audit.append(orgId, (tail) => spoil(chainedRow(orgId, {})(tail)));
      await expect(append).rejects.toBeInstanceOf(StoreError);
      await expect(append).rejects.toMatchObject({ code: 'invalid' });
    }
    expect(await store.audit.count(orgId)).toBe(1);
  });
}
