import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from '../database.js';

/**
 * Approvals that show what will happen and who may not decide, a durable notification outbox,
 * and the register of redeemed one-time decision links. Columns are added nullable, so requests
 * made before this migration still read (with no details and no extra forbidden approvers).
 */
export function approvalsAndRecoveryMigration(_dialect: DialectKind): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('approvals').addColumn('details', 'text').execute();
      await db.schema.alterTable('approvals').addColumn('forbidden_approvers', 'text').execute();
      // The expiry sweep reads pending requests by due time.
      await db.schema
        .createIndex('approvals_pending_expiry')
        .on('approvals')
        .columns(['org_id', 'status', 'expires_at'])
        .execute();

      await db.schema
        .createTable('notification_outbox')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('approval_id', 'text', (column) => column.notNull())
        .addColumn('channel', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('attempts', 'integer', (column) => column.notNull())
        .addColumn('next_attempt_at', 'text', (column) => column.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('sent_at', 'text')
        .addPrimaryKeyConstraint('notification_outbox_pk', ['org_id', 'id'])
        .execute();
      await db.schema
        .createIndex('notification_outbox_due')
        .on('notification_outbox')
        .columns(['org_id', 'status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('notification_outbox_approval')
        .on('notification_outbox')
        .columns(['org_id', 'approval_id'])
        .execute();

      await db.schema
        .createTable('approval_link_uses')
        .addColumn('org_id', 'text', (column) => column.notNull())
        .addColumn('link_id', 'text', (column) => column.notNull())
        .addColumn('approval_id', 'text', (column) => column.notNull())
        .addColumn('approver', 'text', (column) => column.notNull())
        .addColumn('decision', 'text', (column) => column.notNull())
        .addColumn('used_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('approval_link_uses_pk', ['org_id', 'link_id'])
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('approval_link_uses').ifExists().execute();
      await db.schema.dropTable('notification_outbox').ifExists().execute();
      await db.schema.dropIndex('approvals_pending_expiry').ifExists().execute();
      await db.schema.alterTable('approvals').dropColumn('forbidden_approvers').execute();
      await db.schema.alterTable('approvals').dropColumn('details').execute();
    },
  };
}
