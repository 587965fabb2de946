import { sql, type Kysely } from 'kysely';
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
