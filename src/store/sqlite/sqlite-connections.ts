import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { StoreError } from '../errors.js';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';
import { cacheStatements } from './statement-cache.js';

/** A Kysely handle on one SQLite file, and how to give it back. */
export interface SqliteLease {
  readonly db: Kysely<Database>;
  release(): Promise<void>;
}

interface Shared {
  readonly db: Kysely<Database>;
  users: number;
}

// One connection per file per process. better-sqlite3 is synchronous: a second connection in
// this process waiting on busy_timeout would block the event loop, so the first connection
// could never commit and both would fail after five seconds. Stores on one file share the
// connection (and Kysely's mutex serialises them); other processes wait on busy_timeout.
const open = new Map<string, Shared>();

function connect(path: string, database: string): BetterSqlite3.Database {
  let connection: BetterSqlite3.Database | undefined;
  try {
    connection = new BetterSqlite3(path);
    // busy_timeout first, so switching to WAL waits for another process instead of failing.
    connection.pragma('busy_timeout = 5000');
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    // Checkpoint every 4000 pages (16 MB of WAL) rather than SQLite's 1000: the audit append's
    // hot pages (the log's tail, the tree's right edge) are rewritten by every commit, and a
    // checkpoint copies each of them once however often it changed, so fewer checkpoints copy
    // far less. The file is cut back
    // to 64 MB after a checkpoint so a burst does not leave it large.
    connection.pragma('wal_autocheckpoint = 4000');
    connection.pragma('journal_size_limit = 67108864');
    connection.pragma('foreign_keys = ON');
    return cacheStatements(connection);
  } catch (error) {
    connection?.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError('unavailable', `${database} cannot be opened: ${reason}`, {
      cause: error,
    });
  }
}

function createHandle(path: string, database: string): Kysely<Database> {
  const connection = connect(path, database);
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: connection }) });
}

/** Opens the file, or shares the connection this process already holds on it. */
export function leaseSqlite(path: string, database: string): SqliteLease {
  if (path === ':memory:' || path === '') {
    const db = createHandle(path, database);
    return { db, release: () => db.destroy() };
  }
  const key = resolve(path);
  let shared = open.get(key);
  if (shared === undefined) {
    shared = { db: createHandle(path, database), users: 0 };
    open.set(key, shared);
  }
  shared.users += 1;
  const lease = shared;
  let released = false;
  return {
    db: lease.db,
    async release() {
      if (released) return;
      released = true;
      lease.users -= 1;
      if (lease.users > 0) return;
      open.delete(key);
      await lease.db.destroy();
    },
  };
}
