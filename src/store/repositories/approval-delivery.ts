import type { Selectable } from 'kysely';
import type { NotificationOutboxTable } from '../approval-delivery-tables.js';
import type { ApprovalDeliveryRepository, NotificationRecord } from '../approval-delivery-port.js';
import type { RepositoryContext } from './context.js';

function toRecord(row: Selectable<NotificationOutboxTable>): NotificationRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    approvalId: row.approval_id,
    channel: row.channel,
    status: row.status as NotificationRecord['status'],
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

/** The notification outbox and the register of redeemed decision links. */
export function approvalDeliveryRepository(context: RepositoryContext): ApprovalDeliveryRepository {
  const { db } = context;
  return {
    async enqueue(notifications) {
      if (notifications.length === 0) return;
      await db
        .insertInto('notification_outbox')
        .values(
          notifications.map((notification) => ({
            org_id: notification.orgId,
            id: notification.id,
            approval_id: notification.approvalId,
            channel: notification.channel,
            status: notification.status,
            attempts: notification.attempts,
            next_attempt_at: notification.nextAttemptAt,
            last_error: notification.lastError,
            created_at: notification.createdAt,
            sent_at: notification.sentAt,
          })),
        )
        .execute();
    },

    async get(orgId, id) {
      const row = await db
        .selectFrom('notification_outbox')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async due(orgId, now, limit) {
      const rows = await db
        .selectFrom('notification_outbox')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },

    // Compare-and-set on the due time: two dispatchers that saw the same row cannot both send it.
    async claim(orgId, id, seenNextAttemptAt, leaseUntil) {
      const result = await db
        .updateTable('notification_outbox')
        .set({ next_attempt_at: leaseUntil })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '=', seenNextAttemptAt)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async settle(orgId, id, change) {
      await db
        .updateTable('notification_outbox')
        .set({
          status: change.status,
          attempts: change.attempts,
          next_attempt_at: change.nextAttemptAt,
          last_error: change.lastError,
          sent_at: change.sentAt,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
    },

    async list(orgId, filter = {}) {
      if (filter.status !== undefined && filter.status.length === 0) return [];
      let query = db.selectFrom('notification_outbox').selectAll().where('org_id', '=', orgId);
      if (filter.approvalId !== undefined)
        query = query.where('approval_id', '=', filter.approvalId);
      if (filter.status !== undefined) query = query.where('status', 'in', filter.status);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(toRecord);
    },

    // The primary key (org, link) makes redemption single-shot, even with racing redeemers.
    async useLink(use) {
      const result = await db
        .insertInto('approval_link_uses')
        .values({
          org_id: use.orgId,
          link_id: use.linkId,
          approval_id: use.approvalId,
          approver: use.approver,
          decision: use.decision,
          used_at: use.usedAt,
          expires_at: use.expiresAt,
        })
        .onConflict((conflict) => conflict.columns(['org_id', 'link_id']).doNothing())
        .executeTakeFirst();
      return BigInt(result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
  };
}
