import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectKind } from '../database.js';
import { auditAppendOnlyStatements, dropAuditAppendOnlyStatements } from './audit-append-only.js';

const tables = [
  'policy_sets',
  'revocations',
  'audit_log',
  'approval_decisions',
  'approvals',
  'steps',
  'runs',
  'agents',
  'api_keys',
  'users',
  'organisations',
];

/** The first schema: every table, keyed by organisation first. */
export function initialMigration(dialect: DialectKind): Migration {
  const booleanType = dialect === 'postgres' ? 'boolean' : 'integer';
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('organisations')
        .addColumn('org_id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('display_name', 'text', (column) => column.notNull())
        .addColumn('roles', 'text', (column) => column.notNull())
        .addColumn('disabled', booleanType, (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('users_pk', ['org_id', 'id'])
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('user_id', 'text', (column) => column.notNull())
        .addColumn('secret_hash', 'text', (column) => column.notNull())
        .addColumn('label', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addPrimaryKeyConstraint('api_keys_pk', ['org_id', 'id'])
        .addForeignKeyConstraint('api_keys_user_fk', ['org_id', 'user_id'], 'users', [
          'org_id',
          'id',
        ])
        .execute();
      // A presented key id must name one key, whatever organisation it belongs to.
      await db.schema
        .createIndex('api_keys_id_unique')
        .on('api_keys')
        .column('id')
        .unique()
        .execute();
      await db.schema
        .createIndex('api_keys_user')
        .on('api_keys')
        .columns(['org_id', 'user_id'])
        .execute();

      await db.schema
        .createTable('agents')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('description', 'text', (column) => column.notNull())
        .addColumn('owner', 'text', (column) => column.notNull())
        .addColumn('environment', 'text', (column) => column.notNull())
        .addColumn('packs', 'text', (column) => column.notNull())
        .addColumn('scopes', 'text', (column) => column.notNull())
        .addColumn('planner', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('agents_pk', ['org_id', 'id'])
        .execute();

      await db.schema
        .createTable('runs')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('agent_id', 'text', (column) => column.notNull())
        .addColumn('requested_by', 'text', (column) => column.notNull())
        .addColumn('prompt', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('planner', 'text', (column) => column.notNull())
        .addColumn('input', 'text', (column) => column.notNull())
        .addColumn('tainted', booleanType, (column) => column.notNull())
        .addColumn('token_jti', 'text')
        .addColumn('reason', 'text')
        .addColumn('step_count', 'integer', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addPrimaryKeyConstraint('runs_pk', ['org_id', 'id'])
        .execute();
      await db.schema.createIndex('runs_status').on('runs').columns(['org_id', 'status']).execute();
      await db.schema
        .createIndex('runs_created')
        .on('runs')
        .columns(['org_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('steps')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('step_index', 'integer', (column) => column.notNull())
        .addColumn('tool', 'text', (column) => column.notNull())
        .addColumn('args', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('decision', 'text')
        .addColumn('result', 'text', (column) => column.notNull())
        .addColumn('error', 'text')
        .addColumn('approval_id', 'text')
        .addColumn('model', 'text')
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('steps_pk', ['org_id', 'run_id', 'step_index'])
        .addForeignKeyConstraint('steps_run_fk', ['org_id', 'run_id'], 'runs', ['org_id', 'id'])
        .execute();

      await db.schema
        .createTable('approvals')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('step_index', 'integer', (column) => column.notNull())
        .addColumn('tool', 'text', (column) => column.notNull())
        .addColumn('args', 'text', (column) => column.notNull())
        .addColumn('requested_by', 'text', (column) => column.notNull())
        .addColumn('approver_role', 'text', (column) => column.notNull())
        .addColumn('quorum', 'integer', (column) => column.notNull())
        .addColumn('reason', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .addColumn('decided_at', 'text')
        .addPrimaryKeyConstraint('approvals_pk', ['org_id', 'id'])
        .execute();
      await db.schema
        .createIndex('approvals_status')
        .on('approvals')
        .columns(['org_id', 'status'])
        .execute();
      await db.schema
        .createIndex('approvals_run')
        .on('approvals')
        .columns(['org_id', 'run_id'])
        .execute();

      await db.schema
        .createTable('approval_decisions')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('approval_id', 'text', (column) => column.notNull())
        .addColumn('approver', 'text', (column) => column.notNull())
        .addColumn('decision', 'text', (column) => column.notNull())
        .addColumn('reason', 'text')
        .addColumn('decided_at', 'text', (column) => column.notNull())
        // One decision per approver: a quorum counts people, not clicks.
        .addPrimaryKeyConstraint('approval_decisions_pk', ['org_id', 'approval_id', 'approver'])
        .addForeignKeyConstraint(
          'approval_decisions_approval_fk',
          ['org_id', 'approval_id'],
          'approvals',
          ['org_id', 'id'],
        )
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('seq', 'bigint', (column) => column.notNull())
        .addColumn('entry', 'text', (column) => column.notNull())
        .addColumn('prev_hash', 'text', (column) => column.notNull())
        .addColumn('hash', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text')
        .addPrimaryKeyConstraint('audit_log_pk', ['org_id', 'seq'])
        .execute();
      await db.schema
        .createIndex('audit_log_run')
        .on('audit_log')
        .columns(['org_id', 'run_id'])
        .execute();
      for (const statement of auditAppendOnlyStatements(dialect)) await statement.execute(db);

      await db.schema
        .createTable('revocations')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('jti', 'text', (column) => column.notNull())
        .addColumn('reason', 'text', (column) => column.notNull())
        .addColumn('revoked_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('revocations_pk', ['org_id', 'jti'])
        .execute();
      await db.schema
        .createIndex('revocations_expiry')
        .on('revocations')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('policy_sets')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addColumn('digest', 'text', (column) => column.notNull())
        .addColumn('policies', 'text', (column) => column.notNull())
        .addColumn('created_by', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('active', booleanType, (column) => column.notNull())
        .addPrimaryKeyConstraint('policy_sets_pk', ['org_id', 'version'])
        .execute();
      // The database itself keeps "at most one active policy set per organisation".
      await sql`create unique index policy_sets_one_active on policy_sets (org_id) where active`.execute(
        db,
      );
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const statement of dropAuditAppendOnlyStatements(dialect)) await statement.execute(db);
      for (const table of tables) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
