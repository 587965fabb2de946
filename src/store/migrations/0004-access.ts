import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from '../database.js';

const tables = ['kill_switch', 'revocation_epochs', 'issued_tokens', 'scope_requests', 'grants'];

/** Identity and access: grants, scope requests, issued tokens, revocation epochs, kill switch. */
export function accessMigration(dialect: DialectKind): Migration {
  const booleanType = dialect === 'postgres' ? 'boolean' : 'integer';
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('grants')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('agent_id', 'text', (column) => column.notNull())
        .addColumn('environment', 'text', (column) => column.notNull())
        .addColumn('scopes', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text')
        .addColumn('request_id', 'text')
        .addColumn('reason', 'text', (column) => column.notNull())
        .addColumn('requested_by', 'text', (column) => column.notNull())
        .addColumn('approved_by', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_by', 'text')
        .addPrimaryKeyConstraint('grants_pk', ['org_id', 'id'])
        .execute();
      await db.schema
        .createIndex('grants_agent')
        .on('grants')
        .columns(['org_id', 'agent_id', 'environment', 'expires_at'])
        .execute();

      await db.schema
        .createTable('scope_requests')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('agent_id', 'text', (column) => column.notNull())
        .addColumn('environment', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text')
        .addColumn('step_index', 'integer')
        .addColumn('scope', 'text', (column) => column.notNull())
        .addColumn('resource', 'text')
        .addColumn('reason', 'text', (column) => column.notNull())
        .addColumn('duration_seconds', 'integer', (column) => column.notNull())
        .addColumn('requested_by', 'text', (column) => column.notNull())
        .addColumn('run_requested_by', 'text')
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('decision_reason', 'text')
        .addColumn('granted_scope', 'text')
        .addColumn('granted_seconds', 'integer')
        .addColumn('grant_id', 'text')
        .addPrimaryKeyConstraint('scope_requests_pk', ['org_id', 'id'])
        .execute();
      await db.schema
        .createIndex('scope_requests_status')
        .on('scope_requests')
        .columns(['org_id', 'status'])
        .execute();
      await db.schema
        .createIndex('scope_requests_run')
        .on('scope_requests')
        .columns(['org_id', 'run_id'])
        .execute();

      await db.schema
        .createTable('issued_tokens')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('jti', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('user_id', 'text', (column) => column.notNull())
        .addColumn('agent_id', 'text', (column) => column.notNull())
        .addColumn('scopes', 'text', (column) => column.notNull())
        .addColumn('grant_ids', 'text', (column) => column.notNull())
        .addColumn('issued_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('issued_tokens_pk', ['org_id', 'jti'])
        .execute();
      for (const column of ['run_id', 'agent_id', 'user_id'] as const) {
        await db.schema
          .createIndex(`issued_tokens_${column}`)
          .on('issued_tokens')
          .columns(['org_id', column])
          .execute();
      }

      await db.schema
        .createTable('revocation_epochs')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('subject_kind', 'text', (column) => column.notNull())
        .addColumn('subject_id', 'text', (column) => column.notNull())
        .addColumn('not_before', 'text', (column) => column.notNull())
        .addColumn('reason', 'text', (column) => column.notNull())
        .addColumn('created_by', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('revocation_epochs_pk', ['org_id', 'id'])
        .execute();
      // Every tool call looks up its agent's, user's and run's latest epoch: keep that indexed.
      await db.schema
        .createIndex('revocation_epochs_subject')
        .on('revocation_epochs')
        .columns(['org_id', 'subject_kind', 'subject_id', 'not_before'])
        .execute();

      await db.schema
        .createTable('kill_switch')
        .addColumn('org_id', 'text', (column) => column.primaryKey())
        .addColumn('engaged', booleanType, (column) => column.notNull())
        .addColumn('reason', 'text', (column) => column.notNull())
        .addColumn('changed_by', 'text', (column) => column.notNull())
        .addColumn('changed_at', 'text', (column) => column.notNull())
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const table of tables) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
