import type { Selectable } from 'kysely';
import type { ApprovalDecisionsTable, ApprovalsTable } from '../database.js';
import type { ApprovalDecisionRecord, ApprovalRecord, ApprovalRepository } from '../port.js';
import { fromJson, toJson, type RepositoryContext } from './context.js';

function toRecord(row: Selectable<ApprovalsTable>): ApprovalRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    runId: row.run_id,
    stepIndex: row.step_index,
    tool: row.tool,
    args: fromJson<ApprovalRecord['args']>(row.args),
    requestedBy: row.requested_by,
    approverRole: row.approver_role,
    quorum: row.quorum,
    reason: row.reason,
    status: row.status as ApprovalRecord['status'],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedAt: row.decided_at,
  };
}

function toDecision(row: Selectable<ApprovalDecisionsTable>): ApprovalDecisionRecord {
  return {
    orgId: row.org_id,
    approvalId: row.approval_id,
    approver: row.approver,
    decision: row.decision as ApprovalDecisionRecord['decision'],
    reason: row.reason,
    decidedAt: row.decided_at,
  };
}

/** Approval requests and the decisions of named approvers (one per approver). */
export function approvalRepository(context: RepositoryContext): ApprovalRepository {
  const { db } = context;
  return {
    async insert(approval) {
      await db
        .insertInto('approvals')
        .values({
          org_id: approval.orgId,
          id: approval.id,
          run_id: approval.runId,
          step_index: approval.stepIndex,
          tool: approval.tool,
          args: toJson(approval.args),
          requested_by: approval.requestedBy,
          approver_role: approval.approverRole,
          quorum: approval.quorum,
          reason: approval.reason,
          status: approval.status,
          created_at: approval.createdAt,
          expires_at: approval.expiresAt,
          decided_at: approval.decidedAt,
        })
        .execute();
    },

    async get(orgId, id) {
      const row = await db
        .selectFrom('approvals')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    // Oldest first: the queue an approver works through.
    async list(orgId, filter = {}) {
      if (filter.status !== undefined && filter.status.length === 0) return [];
      let query = db.selectFrom('approvals').selectAll().where('org_id', '=', orgId);
      if (filter.status !== undefined) query = query.where('status', 'in', filter.status);
      if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(toRecord);
    },

    // The `status = 'pending'` guard makes the decision single-shot even with racing deciders.
    async resolve(orgId, id, status, decidedAt) {
      const result = await db
        .updateTable('approvals')
        .set({ status, decided_at: decidedAt })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async addDecision(decision) {
      await db
        .insertInto('approval_decisions')
        .values({
          org_id: decision.orgId,
          approval_id: decision.approvalId,
          approver: decision.approver,
          decision: decision.decision,
          reason: decision.reason,
          decided_at: decision.decidedAt,
        })
        .execute();
    },

    async decisions(orgId, approvalId) {
      const rows = await db
        .selectFrom('approval_decisions')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('approval_id', '=', approvalId)
        .orderBy('decided_at')
        .orderBy('approver')
        .execute();
      return rows.map(toDecision);
    },
  };
}
