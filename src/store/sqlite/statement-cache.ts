import type BetterSqlite3 from 'better-sqlite3';

const MAX_STATEMENTS = 512;

/**
 * Keeps compiled statements of a connection, keyed by their SQL text. Kysely's SQLite driver
 * calls `prepare` for every query, and compiling costs more than running most of Castellan's
 * small statements (about a tenth of the gate's time per tool call). Statements are reused only
 * through `all` and `run`, which finish before returning, so reuse never interleaves; SQLite
 * recompiles a statement itself when the schema changes under it. The cache is bounded: past
 * the limit it starts over, so generated SQL with unusual shapes cannot grow it without end.
 */
export function cacheStatements(connection: BetterSqlite3.Database): BetterSqlite3.Database {
  const compile = connection.prepare.bind(connection);
  const statements = new Map<string, BetterSqlite3.Statement>();
  const cached = ((source: string) => {
    let statement = statements.get(source);
    if (statement === undefined) {
      statement = compile(source);
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      statements.set(source, statement);
    }
    return statement;
  }) as BetterSqlite3.Database['prepare'];
  connection.prepare = cached;
  return connection;
}
