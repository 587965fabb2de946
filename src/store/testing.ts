import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import type { Store } from './port.js';

// Deliberately not exported from index.ts: production code never gets raw SQL. Tests (here
// and in other rooms) import this file directly, which the room lint allows for tests only.
const handles = new WeakMap<Store, Kysely<Database>>();

/** Records the Kysely handle behind a store so tests can reach it. */
export function rememberHandleForTests(store: Store, db: Kysely<Database>): void {
  handles.set(store, db);
}

/**
 * TEST ONLY: runs raw SQL on the store's database (or its transaction), bypassing every
 * repository; used to prove that the database itself refuses what the code never attempts.
 */
export async function unsafeExecuteForTests(store: Store, text: string): Promise<unknown[]> {
  const db = handles.get(store);
  if (db === undefined) throw new Error('not a store built by createKyselyStore');
  const result = await sql.raw(text).execute(db);
  return result.rows as unknown[];
}
