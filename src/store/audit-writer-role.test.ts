import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainedRow, newOrg } from './contract/fixtures.js';
import { openPostgresStore, type Store } from './index.js';
import { unsafeExecuteForTests } from './testing.js';

const url = 'postgres://postgres@127.0.0.1:5432/test';
const schema = `t_writer_${randomBytes(6).toString('hex')}`;

describe('postgres audit writer role', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openPostgresStore({ url, schema });
  });
  afterAll(async () => {
    await unsafeExecuteForTests(store, `drop schema if exists ${schema} cascade`);
    await store.close();
  });

  it('creates castellan_audit_writer with read and insert rights only', async () => {
    const rights = (await unsafeExecuteForTests(
      store,
      `select table_name, privilege_type from information_schema.role_table_grants
        where grantee = 'castellan_audit_writer' and table_schema = '${schema}'
        order by table_name, privilege_type`,
    )) as Array<{ table_name: string; privilege_type: string }>;
    const audit = rights.filter((row) => row.table_name === 'audit_log');
    expect(audit.map((row) => row.privilege_type)).toEqual(['INSERT', 'SELECT']);
    expect(
      rights.some((row) => ['UPDATE', 'DELETE', 'TRUNCATE'].includes(row.privilege_type)),
    ).toBe(false);
  });

  it('appends as the writer role, which cannot rewrite the log even with the triggers gone', async () => {
    const orgId = newOrg();
    await store.transaction(async (transaction) => {
      await transaction.auditTree.actAsWriter();
      const [who] = (await unsafeExecuteForTests(
        transaction,
        'select current_user as name',
      )) as Array<{
        name: string;
      }>;
      expect(who?.name).toBe('castellan_audit_writer');
      await transaction.audit.append(orgId, chainedRow(orgId, { type: 'kept' }));
    });
    // An attacker holding the owner's credentials could drop the triggers...
    await unsafeExecuteForTests(store, 'drop trigger audit_log_no_change on audit_log');
    try {
      // ...but a connection acting as the writer role still may not update or delete.
      for (const text of [
        `update audit_log set hash = 'forged' where org_id = '${orgId}'`,
        `delete from audit_log where org_id = '${orgId}'`,
      ]) {
        const attempt = store.transaction(async (transaction) => {
          await transaction.auditTree.actAsWriter();
          await unsafeExecuteForTests(transaction, text);
        });
        await expect(attempt).rejects.toThrow(/permission denied/);
      }
      expect(await store.audit.count(orgId)).toBe(1);
    } finally {
      await unsafeExecuteForTests(
        store,
        `create trigger audit_log_no_change before update or delete on audit_log
         for each row execute function castellan_audit_append_only()`,
      );
    }
  });
});
