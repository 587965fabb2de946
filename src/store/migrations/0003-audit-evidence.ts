import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectKind } from '../database.js';
import { auditEvidenceGuards, dropAuditEvidenceGuards } from './audit-evidence-guards.js';

const tables = ['audit_holds', 'audit_blob_refs', 'audit_blobs', 'audit_checkpoints', 'audit_tree'];

/** Evidence for the audit log: Merkle tree nodes, checkpoints, payload blobs, legal holds. */
export function auditEvidenceMigration(dialect: DialectKind): Migration {
  const bytesType = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<any>): Promise<void> {
      // Complete subtrees only: a node is written once, when its last leaf arrives, and never
      // changes, so proofs and roots at any size read at most two nodes per level.
      let tree = db.schema
        .createTable('audit_tree')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('level', 'integer', (column) => column.notNull())
        .addColumn('idx', 'bigint', (column) => column.notNull())
        .addColumn('hash', bytesType, (column) => column.notNull())
        .addPrimaryKeyConstraint('audit_tree_pk', ['org_id', 'level', 'idx']);
      // SQLite: WITHOUT ROWID keeps rows in the primary-key b-tree itself, about half the size
      // for millions of 32-byte hashes, and one lookup per node instead of two.
      if (dialect === 'sqlite') tree = tree.modifyEnd(sql`without rowid`);
      await tree.execute();

      // No primary key on size: the unique index below is what refuses a fork, and an attacker
      // who drops it must still get past signature and root checks.
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('size', 'bigint', (column) => column.notNull())
        .addColumn('root', 'text', (column) => column.notNull())
        .addColumn('note', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('audit_checkpoints_one_per_size')
        .on('audit_checkpoints')
        .columns(['org_id', 'size'])
        .unique()
        .execute();

      await db.schema
        .createTable('audit_blobs')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('digest', 'text', (column) => column.notNull())
        .addColumn('class', 'text', (column) => column.notNull())
        .addColumn('content', 'text')
        .addColumn('bytes', 'integer', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('pruned_at', 'text')
        .addPrimaryKeyConstraint('audit_blobs_pk', ['org_id', 'digest'])
        .execute();
      await db.schema
        .createIndex('audit_blobs_unpruned')
        .on('audit_blobs')
        .columns(['org_id', 'class', 'pruned_at'])
        .execute();

      await db.schema
        .createTable('audit_blob_refs')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('seq', 'bigint', (column) => column.notNull())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('digest', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('agent_id', 'text')
        .addColumn('type', 'text', (column) => column.notNull())
        .addColumn('tool', 'text')
        .addColumn('time', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('audit_blob_refs_pk', ['org_id', 'seq', 'name'])
        .execute();
      await db.schema
        .createIndex('audit_blob_refs_digest')
        .on('audit_blob_refs')
        .columns(['org_id', 'digest'])
        .execute();

      await db.schema
        .createTable('audit_holds')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('value', 'text', (column) => column.notNull())
        .addColumn('reason', 'text', (column) => column.notNull())
        .addColumn('created_by', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('released_at', 'text')
        .addColumn('released_by', 'text')
        .addPrimaryKeyConstraint('audit_holds_pk', ['org_id', 'id'])
        .execute();

      for (const statement of auditEvidenceGuards(dialect)) await statement.execute(db);
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const statement of dropAuditEvidenceGuards(dialect)) await statement.execute(db);
      for (const table of tables) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
