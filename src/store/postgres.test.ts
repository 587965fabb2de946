import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openPostgresStore, openStore, StoreError } from './index.js';
import { describeStoreContract } from './store-contract.js';
import { unsafeExecuteForTests } from './testing.js';

// The test database is shared with other test files running in parallel: each file works in a
// schema of its own and drops it afterwards.
const url = 'postgres://postgres@127.0.0.1:5432/test';
const schema = `t_store_${randomBytes(6).toString('hex')}`;

describeStoreContract(
  'postgres',
  () => openPostgresStore({ url, schema }),
  async () => {
    const admin = await openPostgresStore({ url, schema });
    try {
      await unsafeExecuteForTests(admin, `drop schema if exists ${schema} cascade`);
    } finally {
      await admin.close();
    }
  },
);

describe('postgres adapter', () => {
  it('opens through the configuration shape', async () => {
    const own = `t_store_${randomBytes(6).toString('hex')}`;
    const store = await openStore({ kind: 'postgres', url, schema: own });
    try {
      expect(store.kind).toBe('postgres');
      const tables = await unsafeExecuteForTests(
        store,
        `select table_name from information_schema.tables where table_schema = '${own}'`,
      );
      expect(tables).toContainEqual({ table_name: 'audit_log' });
    } finally {
      await unsafeExecuteForTests(store, `drop schema ${own} cascade`);
      await store.close();
    }
  });

  it('reports an unreachable server as unavailable without the password', async () => {
    const opening = openPostgresStore({ url: 'postgres://castellan:s3cret@127.0.0.1:1/nowhere' });
    await expect(opening).rejects.toBeInstanceOf(StoreError);
    await expect(opening).rejects.toMatchObject({ code: 'unavailable', kind: 'unavailable' });
    const error = (await opening.then(
      () => undefined,
      (caught: unknown) => caught,
    )) as Error;
    expect(error.message).toContain('127.0.0.1:1/nowhere');
    expect(error.message).not.toContain('s3cret');
  });

  it('reports a missing database as unavailable', async () => {
    const opening = openPostgresStore({ url: 'postgres://postgres@127.0.0.1:5432/no_such_db_x' });
    await expect(opening).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    const opening = openPostgresStore({ url, schema: 'x; drop table users' });
    await expect(opening).rejects.toMatchObject({ code: 'invalid' });
  });
});
