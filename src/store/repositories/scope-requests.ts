import type { Selectable } from 'kysely';
import type { ScopeRequestsTable } from '../access-tables.js';
import type {
  GrantKind,
  ScopeRequestRecord,
  ScopeRequestRepository,
  ScopeRequestStatus,
} from '../access-port.js';
import type { RepositoryContext } from './context.js';

function toRecord(row: Selectable<ScopeRequestsTable>): ScopeRequestRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    kind: row.kind as GrantKind,
    agentId: row.agent_id,
    environment: row.environment,
    runId: row.run_id,
    stepIndex: row.step_index === null ? null : Number(row.step_index),
    scope: row.scope,
    resource: row.resource,
    reason: row.reason,
    durationSeconds: Number(row.duration_seconds),
    requestedBy: row.requested_by,
    runRequestedBy: row.run_requested_by,
    status: row.status as ScopeRequestStatus,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionReason: row.decision_reason,
    grantedScope: row.granted_scope,
    grantedSeconds: row.granted_seconds === null ? null : Number(row.granted_seconds),
    grantId: row.grant_id,
  };
}

/** Scope requests: durable, so a run waiting for one survives any restart. */
export function scopeRequestRepository(context: RepositoryContext): ScopeRequestRepository {
  const { db } = context;
  return {
    async insert(request) {
      await db
        .insertInto('scope_requests')
        .values({
          org_id: request.orgId,
          id: request.id,
          kind: request.kind,
          agent_id: request.agentId,
          environment: request.environment,
          run_id: request.runId,
          step_index: request.stepIndex,
          scope: request.scope,
          resource: request.resource,
          reason: request.reason,
          duration_seconds: request.durationSeconds,
          requested_by: request.requestedBy,
          run_requested_by: request.runRequestedBy,
          status: request.status,
          created_at: request.createdAt,
          expires_at: request.expiresAt,
          decided_by: request.decidedBy,
          decided_at: request.decidedAt,
          decision_reason: request.decisionReason,
          granted_scope: request.grantedScope,
          granted_seconds: request.grantedSeconds,
          grant_id: request.grantId,
        })
        .execute();
    },

    async get(orgId, id) {
      const row = await db
        .selectFrom('scope_requests')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async list(orgId, filter = {}) {
      let query = db.selectFrom('scope_requests').selectAll().where('org_id', '=', orgId);
      if (filter.status !== undefined) {
        if (filter.status.length === 0) return [];
        query = query.where('status', 'in', filter.status);
      }
      if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
      if (filter.agentId !== undefined) query = query.where('agent_id', '=', filter.agentId);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toRecord);
    },

    async settle(orgId, id, settlement) {
      const result = await db
        .updateTable('scope_requests')
        .set({
          status: settlement.status,
          decided_by: settlement.decidedBy,
          decided_at: settlement.decidedAt,
          decision_reason: settlement.decisionReason,
          granted_scope: settlement.grantedScope ?? null,
          granted_seconds: settlement.grantedSeconds ?? null,
          grant_id: settlement.grantId ?? null,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
