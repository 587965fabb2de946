import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { StoredTree } from '../../audit/index.js';
import { MerkleAccumulator } from '../../audit/merkle/accumulator.js';
import { extendTree } from '../../audit/merkle/extend.js';
import { leafHash, toHex } from '../../audit/merkle/hashes.js';
import type { DialectKind } from '../database.js';
import type { Store } from '../port.js';
import { openPostgresStore } from '../postgres/open-postgres-store.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { leaseSqlite } from '../sqlite/sqlite-connections.js';
import { unsafeExecuteForTests } from '../testing.js';
import { castellanMigrator } from './index.js';

const LEAVES = 37;

const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

// A tree of LEAVES leaves as the old layout keyed it, by (level, idx), and its roots by size.
function oldLayoutTree() {
  const accumulator = new MerkleAccumulator();
  const roots: string[] = [];
  const leaves = Array.from({ length: LEAVES }, (_, index) => leafHash(`entry ${index}`));
  const nodes = extendTree(new Map(), 0, leaves);
  for (const leaf of leaves) {
    accumulator.push(leaf);
    roots.push(toHex(accumulator.root()));
  }
  return { nodes, roots };
}

async function migrateTo0008AndFill(db: Kysely<any>, dialect: DialectKind, schema?: string) {
  const { error } = await castellanMigrator(db, dialect, schema).migrateTo(
    '0008-approvals-and-recovery',
  );
  expect(error).toBeUndefined();
  const { nodes } = oldLayoutTree();
  await db
    .insertInto('audit_tree')
    .values(
      nodes.map((node) => ({
        org_id: 'default',
        level: node.level,
        idx: node.index,
        hash: node.hash,
      })),
    )
    .execute();
}

async function expectMigratedTree(store: Store, zeroHash: string) {
  const { nodes, roots } = oldLayoutTree();
  expect(await store.auditTree.leafCount('default')).toBe(LEAVES);
  const tree = new StoredTree(store.auditTree, 'default');
  for (const size of [1, 2, 20, 32, 37]) {
    expect(toHex(await tree.root(size)), `root at ${size}`).toBe(roots[size - 1]);
  }
  const positions = (await unsafeExecuteForTests(
    store,
    "select pos from audit_tree where org_id = 'default' order by pos",
  )) as Array<{ pos: number | string }>;
  expect(positions.map((row) => Number(row.pos))).toEqual(nodes.map((_, position) => position));
  await expect(
    unsafeExecuteForTests(store, 'delete from audit_tree where pos = 0'),
  ).rejects.toThrow(/append-only/);
  await expect(
    unsafeExecuteForTests(store, `update audit_tree set hash = ${zeroHash} where pos = 1`),
  ).rejects.toThrow(/append-only/);
}

describe('migration 0009: the audit tree keyed by write order', () => {
  let folder: string | undefined;
  afterEach(() => {
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  });

  it('keeps every node of a tree written in the old layout, and its guards (SQLite)', async () => {
    folder = mkdtempSync(join(tmpdir(), 'castellan-0009-'));
    const path = join(folder, 'castellan.db');
    const lease = leaseSqlite(path, 'test database');
    await migrateTo0008AndFill(lease.db as Kysely<any>, 'sqlite');
    await lease.release();
    const store = await openSqliteStore(path);
    try {
      await expectMigratedTree(store, 'zeroblob(32)');
    } finally {
      await store.close();
    }
  });

  it('keeps every node of a tree written in the old layout, and its guards (PostgreSQL)', async () => {
    const schema = `t_0009_${randomBytes(6).toString('hex')}`;
    const pool = new pg.Pool({
      connectionString: POSTGRES_URL,
      options: `-c search_path=${schema}`,
    });
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    await sql`create schema ${sql.id(schema)}`.execute(db);
    try {
      await migrateTo0008AndFill(db, 'postgres', schema);
    } finally {
      await db.destroy();
    }
    const store = await openPostgresStore({ url: POSTGRES_URL, schema });
    try {
      await expectMigratedTree(store, "'\\x00'::bytea");
    } finally {
      await unsafeExecuteForTests(store, `drop schema ${schema} cascade`);
      await store.close();
    }
  });
});
