import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from '../database.js';

/** The guard's redaction vault and egress counters, and the policy shadow set. */
export function guardAndPolicyMigration(_dialect: DialectKind): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('guard_vault')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('placeholder', 'text', (column) => column.notNull())
        .addColumn('data_class', 'text', (column) => column.notNull())
        .addColumn('value', 'text', (column) => column.notNull())
        .addColumn('digest', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('guard_vault_pk', ['org_id', 'run_id', 'placeholder'])
        .execute();
      await db.schema
        .createTable('egress_counters')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('destination', 'text', (column) => column.notNull())
        .addColumn('bytes', 'bigint', (column) => column.notNull())
        .addColumn('records', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('egress_counters_pk', ['org_id', 'run_id', 'destination'])
        .execute();
      await db.schema
        .createTable('policy_shadow')
        .addColumn('org_id', 'text', (column) => column.primaryKey())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addColumn('set_by', 'text', (column) => column.notNull())
        .addColumn('set_at', 'text', (column) => column.notNull())
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const table of ['policy_shadow', 'egress_counters', 'guard_vault']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
