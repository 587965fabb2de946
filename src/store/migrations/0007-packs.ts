import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from '../database.js';

/** The pack registry, admissions per environment, quarantines and trusted publisher keys. */
export function packsMigration(_dialect: DialectKind): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('pack_versions')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('version', 'text', (column) => column.notNull())
        .addColumn('digest', 'text', (column) => column.notNull())
        .addColumn('manifest_digest', 'text', (column) => column.notNull())
        .addColumn('publisher', 'text', (column) => column.notNull())
        .addColumn('signer_key_id', 'text', (column) => column.notNull())
        .addColumn('description', 'text', (column) => column.notNull())
        .addColumn('archive', 'text', (column) => column.notNull())
        .addColumn('envelope', 'text', (column) => column.notNull())
        .addColumn('published_by', 'text', (column) => column.notNull())
        .addColumn('published_at', 'text', (column) => column.notNull())
        // One version number names one content, forever.
        .addPrimaryKeyConstraint('pack_versions_pk', ['org_id', 'name', 'version'])
        .execute();

      await db.schema
        .createTable('pack_admissions')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('version', 'text', (column) => column.notNull())
        .addColumn('digest', 'text', (column) => column.notNull())
        .addColumn('environment', 'text', (column) => column.notNull())
        .addColumn('approvers', 'text', (column) => column.notNull())
        .addColumn('approval_id', 'text')
        .addColumn('admitted_by', 'text', (column) => column.notNull())
        .addColumn('admitted_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('pack_admissions_pk', ['org_id', 'name', 'version', 'environment'])
        .addForeignKeyConstraint(
          'pack_admissions_version_fk',
          ['org_id', 'name', 'version'],
          'pack_versions',
          ['org_id', 'name', 'version'],
        )
        .execute();

      await db.schema
        .createTable('pack_quarantines')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('version', 'text', (column) => column.notNull())
        .addColumn('reason', 'text', (column) => column.notNull())
        .addColumn('quarantined_by', 'text', (column) => column.notNull())
        .addColumn('quarantined_at', 'text', (column) => column.notNull())
        .addColumn('released_at', 'text')
        .addColumn('released_by', 'text')
        // A local folder pack can be quarantined too, so no reference to pack_versions.
        .addPrimaryKeyConstraint('pack_quarantines_pk', ['org_id', 'name', 'version'])
        .execute();

      await db.schema
        .createTable('trusted_keys')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('environment', 'text', (column) => column.notNull())
        .addColumn('key_id', 'text', (column) => column.notNull())
        .addColumn('algorithm', 'text', (column) => column.notNull())
        .addColumn('public_key_pem', 'text', (column) => column.notNull())
        .addColumn('publisher', 'text', (column) => column.notNull())
        .addColumn('names', 'text', (column) => column.notNull())
        .addColumn('added_by', 'text', (column) => column.notNull())
        .addColumn('added_at', 'text', (column) => column.notNull())
        .addColumn('removed_at', 'text')
        .addColumn('removed_by', 'text')
        .addColumn('removal_reason', 'text')
        .addPrimaryKeyConstraint('trusted_keys_pk', ['org_id', 'environment', 'key_id'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const table of ['trusted_keys', 'pack_quarantines', 'pack_admissions', 'pack_versions'])
        await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
