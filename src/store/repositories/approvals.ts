import type { Selectable } from 'kysely';
import type { ApprovalDecisionsTable, ApprovalsTable } from '../database.js';
import type { ApprovalDecisionRecord, ApprovalRecord, ApprovalRepository } from '../port.js';
import { fromJson, fromJsonOrNull, toJson, type RepositoryContext } from './context.js';

// Details and extra forbidden approvers are absent (not null or empty) when a request has none,
// so records made before they existed read back exactly as they were written.
function toRecord(row: Selectable<ApprovalsTable>): ApprovalRecord {
  const details = fromJsonOrNull<Record<string, unknown>>(row.details);
  const forbidden = fromJsonOrNull<ApprovalRecord['forbiddenApprovers']>(row.forbidden_approvers);
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
    ...(details === null ? {} : { details }),
    ...(forbidden === null || forbidden === undefined || forbidden.length === 0
      ? {}
      : { forbiddenApprovers: forbidden }),
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
          details: approval.details == null ? null : toJson(approval.details),
          forbidden_approvers: toJson(approval.forbiddenApprovers ?? []),
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

    async expiring(orgId, now, limit) {
      const rows = await db
        .selectFrom('approvals')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('status', '=', 'pending')
        .where('expires_at', '<=', now)
        .orderBy('expires_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
  };
}
