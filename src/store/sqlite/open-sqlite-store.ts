import { createKyselyStore } from '../kysely-store.js';
import type { Store } from '../port.js';
import { leaseSqlite } from './sqlite-connections.js';

/** Opens (creating if needed) an embedded SQLite store and migrates it; ':memory:' works too. */
export async function openSqliteStore(path: string): Promise<Store> {
  const database = `SQLite database ${path}`;
  const lease = leaseSqlite(path, database);
  const store = createKyselyStore({
    db: lease.db,
    dialect: 'sqlite',
    database,
    migrationSchema: undefined,
    release: lease.release,
  });
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
