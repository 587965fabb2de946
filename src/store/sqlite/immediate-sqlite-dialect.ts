import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

// Kysely begins SQLite transactions DEFERRED. A deferred transaction that reads and then writes
// can fail with SQLITE_BUSY_SNAPSHOT when another process wrote in between, and busy_timeout
// cannot help. IMMEDIATE takes the write lock up front (waiting up to busy_timeout), so every
// transaction, the audit append among them, reads a tail no other writer can move.
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Kysely's SQLite dialect with every transaction begun IMMEDIATE. */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
