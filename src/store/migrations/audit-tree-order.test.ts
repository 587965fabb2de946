import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { StoredTree } from '../../audit/index.js';
import { MerkleAccumulator } from '../../audit/merkle/accumulator.js';
import { extendTree } from '../../audit/merkle/extend.js';
import { leafHash, toHex } from '../../audit/merkle/hashes.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { leaseSqlite } from '../sqlite/sqlite-connections.js';
import { unsafeExecuteForTests } from '../testing.js';
import { migrationProvider } from './index.js';

const LEAVES = 37;

describe('migration 0009: the audit tree keyed by write order', () => {
  let folder: string | undefined;
  afterEach(() => {
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  });

  it('keeps every node of a tree written in the old layout, and its guards', async () => {
    folder = mkdtempSync(join(tmpdir(), 'castellan-0009-'));
    const path = join(folder, 'castellan.db');

    // A database as 0008 left it, with a tree of 37 leaves keyed by (level, idx).
    const lease = leaseSqlite(path, 'test database');
    const migrator = new Migrator({
      db: lease.db as Kysely<any>,
      provider: migrationProvider('sqlite'),
      migrationTableName: 'castellan_migration',
      migrationLockTableName: 'castellan_migration_lock',
    });
    const { error } = await migrator.migrateTo('0008-approvals-and-recovery');
    expect(error).toBeUndefined();
    const accumulator = new MerkleAccumulator();
    const roots: string[] = [];
    const leaves = Array.from({ length: LEAVES }, (_, index) => leafHash(`entry ${index}`));
    const nodes = extendTree(new Map(), 0, leaves);
    for (const leaf of leaves) {
      accumulator.push(leaf);
      roots.push(toHex(accumulator.root()));
    }
    await (lease.db as Kysely<any>)
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
    await lease.release();

    const store = await openSqliteStore(path);
    try {
      expect(await store.auditTree.leafCount('default')).toBe(LEAVES);
      const tree = new StoredTree(store.auditTree, 'default');
      for (const size of [1, 2, 20, 32, 37]) {
        expect(toHex(await tree.root(size)), `root at ${size}`).toBe(roots[size - 1]);
      }
      const positions = (await unsafeExecuteForTests(
        store,
        "select pos from audit_tree where org_id = 'default' order by pos",
      )) as Array<{ pos: number }>;
      expect(positions.map((row) => row.pos)).toEqual(nodes.map((_, position) => position));
      await expect(
        unsafeExecuteForTests(store, 'delete from audit_tree where pos = 0'),
      ).rejects.toThrow(/append-only/);
      await expect(
        unsafeExecuteForTests(store, 'update audit_tree set hash = zeroblob(32) where pos = 1'),
      ).rejects.toThrow(/append-only/);
    } finally {
      await store.close();
    }
  });
});
