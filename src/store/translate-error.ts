import { StoreError } from './errors.js';

const uniqueCodes = new Set(['23505', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE']);
const foreignKeyCodes = new Set(['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY']);

// Node socket errors, PostgreSQL's connection, authentication, missing-database, shutdown and
// capacity classes, and SQLite's "cannot reach or write the file" family.
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  '3D000',
  '3F000',
  '53300',
  '57P01',
  '57P02',
  '57P03',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
]);
const unavailableMessages = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /cannot use a pool after calling end/i,
  /client has encountered a connection error/i,
  /database connection is not open/i,
  /driver has already been destroyed/i,
];

function codeOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

function isUnavailable(code: string): boolean {
  if (unavailableCodes.has(code)) return true;
  const family = code.split('_').slice(0, 2).join('_');
  return unavailableCodes.has(family) || code.startsWith('08') || code.startsWith('28');
}

/**
 * Maps a driver error to a StoreError where the store knows what it means; other errors (bugs,
 * errors thrown by callers' own code inside a transaction) propagate unchanged.
 */
export function translateError(error: unknown, database: string): unknown {
  if (error instanceof StoreError || !(error instanceof Error)) return error;
  const code = codeOf(error);
  const message = error.message;
  // audit_log's own triggers and the evidence tables' (audit_tree, audit_blobs, ...) alike.
  if (/\baudit_[a-z_]+ is append-only/.test(message)) {
    return new StoreError('append-only', 'the audit log is append-only: rows cannot change', {
      cause: error,
    });
  }
  if (uniqueCodes.has(code)) {
    return new StoreError('conflict', `a record with the same key exists: ${message}`, {
      cause: error,
    });
  }
  if (foreignKeyCodes.has(code)) {
    return new StoreError('conflict', `the record refers to a missing record: ${message}`, {
      cause: error,
    });
  }
  if (isUnavailable(code) || unavailableMessages.some((pattern) => pattern.test(message))) {
    return new StoreError('unavailable', `${database} is unavailable: ${message}`, {
      cause: error,
    });
  }
  return error;
}

/**
 * Wraps every method of a repository: `before` runs first (it refuses calls on a closed store),
 * and driver errors leave as StoreErrors.
 */
export function guardMethods<T extends object>(target: T, database: string, before: () => void): T {
  const guarded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== 'function') {
      guarded[name] = value;
      continue;
    }
    guarded[name] = async (...args: unknown[]) => {
      try {
        before();
        return await (value as (...inner: unknown[]) => Promise<unknown>).apply(target, args);
      } catch (error) {
        throw translateError(error, database);
      }
    };
  }
  return guarded as T;
}
