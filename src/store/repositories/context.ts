import { CompiledQuery, sql, type DatabaseConnection, type Kysely } from 'kysely';
import type { Database, DbBoolean, DbInteger, DialectKind } from '../database.js';

/** What every repository needs: a handle (the root database or a transaction) and the dialect. */
export interface RepositoryContext {
  readonly db: Kysely<Database>;
  readonly dialect: DialectKind;
  /** Runs `work` in the current transaction, or in a new one when there is none. */
  inTransaction<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

/** A boolean as the dialect stores it (better-sqlite3 cannot bind booleans). */
export function toDbBoolean(context: RepositoryContext, value: boolean): DbBoolean {
  return context.dialect === 'sqlite' ? (value ? 1 : 0) : value;
}

/** A stored boolean back as a boolean. */
export function fromDbBoolean(value: DbBoolean): boolean {
  return value === true || value === 1;
}

/** An integer column back as a number (PostgreSQL returns bigint and count as strings). */
export function fromDbInteger(value: DbInteger | bigint): number {
  return Number(value);
}

/** JSON text for a JSON-valued field; `undefined` is stored as null. */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** A JSON-valued field back as a value. */
export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** Like fromJson, for nullable columns. */
export function fromJsonOrNull<T>(text: string | null): T | null {
  return text === null ? null : fromJson<T>(text);
}

/**
 * Serialises writers of one kind for one organisation until the transaction ends. PostgreSQL
 * only: SQLite transactions begin IMMEDIATE, which already holds the database's write lock.
 */
export async function lockForOrganisation(
  context: RepositoryContext,
  db: Kysely<Database>,
  purpose: string,
  orgId: string,
): Promise<void> {
  if (context.dialect !== 'postgres') return;
  const key = `castellan-${purpose}:${orgId}`;
  await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(db);
}

/** The present moment as ISO 8601, for timestamps the caller did not give. */
export function nowIso(): string {
  return new Date().toISOString();
}

// Statement texts in PostgreSQL's `$n` form, by their `?` form: built once per shape.
const postgresTexts = new Map<string, string>();

function inDialect(context: RepositoryContext, text: string): string {
  if (context.dialect !== 'postgres') return text;
  let converted = postgresTexts.get(text);
  if (converted === undefined) {
    let position = 0;
    converted = text.replace(/\?/g, () => `$${(position += 1)}`);
    postgresTexts.set(text, converted);
  }
  return converted;
}

/**
 * Runs one fixed statement past the query builder, for the few hot paths (the audit append)
 * where building and compiling a query costs more than running it. `text` is a constant of the
 * caller's, with `?` placeholders and no `?` anywhere else; values are only ever bound.
 */
export async function runStatement<Row>(
  context: RepositoryContext,
  db: Kysely<Database>,
  text: string,
  parameters: readonly unknown[],
): Promise<Row[]> {
  const query = CompiledQuery.raw(inDialect(context, text), [...parameters]);
  const connection = db.isTransaction ? await transactionConnection(db) : undefined;
  const result =
    connection === undefined
      ? await db.executeQuery<Row>(query)
      : await connection.executeQuery<Row>(query);
  return result.rows;
}

// A transaction holds one connection from BEGIN to COMMIT. Asking Kysely for it on every
// statement (its connection provider, a mutex, a chain of promises) cost as much as running the
// audit append's statements; it is asked once per transaction instead. No plugins transform
// Castellan's queries, so the connection's answer is what executeQuery would return.
const transactionConnections = new WeakMap<Kysely<Database>, Promise<DatabaseConnection>>();

function transactionConnection(db: Kysely<Database>): Promise<DatabaseConnection> {
  let connection = transactionConnections.get(db);
  if (connection === undefined) {
    connection = db.getExecutor().provideConnection(async (held) => held);
    transactionConnections.set(db, connection);
  }
  return connection;
}

/**
 * Inserts `rows` (each an array of `columns.length` values) with multi-row INSERTs of at most 64
 * rows each. A table has at most 64 statement shapes for the statement cache to keep, and a
 * batch goes in one statement whatever its size (an audit batch's tree nodes rarely come in a
 * round number). `suffix` follows the VALUES list (an ON CONFLICT clause).
 */
export async function insertRows(
  context: RepositoryContext,
  db: Kysely<Database>,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
  suffix = '',
): Promise<void> {
  for (let start = 0; start < rows.length; start += 64) {
    const chunk = rows.slice(start, start + 64);
    const text = `insert into ${table} (${columns.join(', ')}) values ${valuesList(columns.length, chunk.length)}${suffix}`;
    await runStatement(context, db, text, chunk.flat());
  }
}

const valuesLists = new Map<string, string>();

function valuesList(columns: number, rows: number): string {
  const key = `${columns}x${rows}`;
  let text = valuesLists.get(key);
  if (text === undefined) {
    const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
    text = Array.from({ length: rows }, () => row).join(', ');
    valuesLists.set(key, text);
  }
  return text;
}
