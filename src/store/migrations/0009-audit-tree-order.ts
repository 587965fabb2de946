import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectKind } from '../database.js';
import { treePosition } from '../repositories/tree-position.js';
import { frozenTableGuards, writerRoleGrants } from './audit-evidence-guards.js';

const COPY_PAGE = 5000;

/**
 * Keys the audit tree's nodes by the order they are written (post-order position, see
 * tree-position.ts) instead of by (level, index): the nodes one batch of appends completes then
 * sit on one or two pages, where one region per level made every commit write about ten pages
 * of tree (half of an append's writes). Level and index stay as columns. The table is rebuilt,
 * its rows copied with their positions, and its append-only guards put back.
 */
export function auditTreeOrderMigration(dialect: DialectKind): Migration {
  const bytesType = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<any>): Promise<void> {
      let next = db.schema
        .createTable('audit_tree_next')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('pos', 'bigint', (column) => column.notNull())
        .addColumn('level', 'integer', (column) => column.notNull())
        .addColumn('idx', 'bigint', (column) => column.notNull())
        .addColumn('hash', bytesType, (column) => column.notNull())
        .addPrimaryKeyConstraint('audit_tree_order_pk', ['org_id', 'pos']);
      if (dialect === 'sqlite') next = next.modifyEnd(sql`without rowid`);
      await next.execute();
      await copyWithPositions(db);
      await db.schema.dropTable('audit_tree').execute();
      await db.schema.alterTable('audit_tree_next').renameTo('audit_tree').execute();
      for (const statement of frozenTableGuards(dialect, 'audit_tree')) await statement.execute(db);
      for (const statement of writerRoleGrants(dialect)) await statement.execute(db);
    },

    async down(): Promise<void> {
      throw new Error('0009-audit-tree-order cannot be undone: restore the database from a backup');
    },
  };
}

// Page by the old primary key; the copy runs once, inside the migration's transaction.
async function copyWithPositions(db: Kysely<any>): Promise<void> {
  let after: { org_id: string; level: number; idx: number } | undefined;
  for (;;) {
    let query = db
      .selectFrom('audit_tree')
      .select(['org_id', 'level', 'idx', 'hash'])
      .orderBy('org_id')
      .orderBy('level')
      .orderBy('idx')
      .limit(COPY_PAGE);
    if (after !== undefined) {
      const from = after;
      query = query.where((expression) =>
        expression.or([
          expression('org_id', '>', from.org_id),
          expression.and([
            expression('org_id', '=', from.org_id),
            expression('level', '>', from.level),
          ]),
          expression.and([
            expression('org_id', '=', from.org_id),
            expression('level', '=', from.level),
            expression('idx', '>', from.idx),
          ]),
        ]),
      );
    }
    const rows = (await query.execute()) as Array<{
      org_id: string;
      level: number;
      idx: number | string;
      hash: Uint8Array;
    }>;
    if (rows.length === 0) return;
    await db
      .insertInto('audit_tree_next')
      .values(
        rows.map((row) => ({
          org_id: row.org_id,
          pos: treePosition(row.level, Number(row.idx)),
          level: row.level,
          idx: Number(row.idx),
          hash: row.hash,
        })),
      )
      .execute();
    const last = rows[rows.length - 1]!;
    after = { org_id: last.org_id, level: last.level, idx: Number(last.idx) };
  }
}
