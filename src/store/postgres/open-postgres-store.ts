import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../database.js';
import { StoreError } from '../errors.js';
import { createKyselyStore } from '../kysely-store.js';
import type { Store } from '../port.js';
import { translateError } from '../translate-error.js';

/** Where a PostgreSQL store lives; `schema` defaults to `public`. */
export interface PostgresStoreOptions {
  url: string;
  schema?: string;
}

const identifier = /^[a-z_][a-z0-9_]*$/;

/** Host, port, database and schema from a URL, never the user's password. */
export function describePostgres(url: string, schema: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port === '' ? '5432' : parsed.port;
    return `PostgreSQL database ${parsed.hostname}:${port}${parsed.pathname} (schema ${schema})`;
  } catch {
    return `PostgreSQL database (unparseable URL, schema ${schema})`;
  }
}

async function ensureSchema(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    // Two stores starting together may both try to create it; losing that race is fine.
    const found = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(db);
    if (found.rows.length === 0) throw error;
  }
}

/** Opens a PostgreSQL store on a connection pool, creating its schema and migrating it. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = options.schema ?? 'public';
  if (!identifier.test(schema)) {
    throw new StoreError('invalid', `PostgreSQL schema "${schema}" is not a lower-case identifier`);
  }
  const database = describePostgres(options.url, schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    connectionTimeoutMillis: 10_000,
    // Every pooled connection resolves unqualified names in our schema and nowhere else.
    ...(schema === 'public' ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client losing its server emits here; without a listener the process would crash.
  // The next query reports the database as unavailable, which is where callers handle it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const store = createKyselyStore({
    db,
    dialect: 'postgres',
    database,
    migrationSchema: schema,
    release: () => db.destroy(),
  });
  try {
    if (schema !== 'public') await ensureSchema(db, schema);
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw translateError(error, database);
  }
  return store;
}
