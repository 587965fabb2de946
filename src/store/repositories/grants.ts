import type { Selectable } from 'kysely';
import type { GrantsTable } from '../access-tables.js';
import type { GrantKind, GrantRecord, GrantRepository } from '../access-port.js';
import { fromJson, toJson, type RepositoryContext } from './context.js';

function toRecord(row: Selectable<GrantsTable>): GrantRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    kind: row.kind as GrantKind,
    agentId: row.agent_id,
    environment: row.environment,
    scopes: fromJson<string[]>(row.scopes),
    runId: row.run_id,
    requestId: row.request_id,
    reason: row.reason,
    requestedBy: row.requested_by,
    approvedBy: row.approved_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
  };
}

/** Grants: who may use which scopes, until when; revoked rows stay for the record. */
export function grantRepository(context: RepositoryContext): GrantRepository {
  const { db } = context;
  return {
    async insert(grant) {
      await db
        .insertInto('grants')
        .values({
          org_id: grant.orgId,
          id: grant.id,
          kind: grant.kind,
          agent_id: grant.agentId,
          environment: grant.environment,
          scopes: toJson(grant.scopes),
          run_id: grant.runId,
          request_id: grant.requestId,
          reason: grant.reason,
          requested_by: grant.requestedBy,
          approved_by: grant.approvedBy,
          created_at: grant.createdAt,
          expires_at: grant.expiresAt,
          revoked_at: grant.revokedAt,
          revoked_by: grant.revokedBy,
        })
        .execute();
    },

    async get(orgId, id) {
      const row = await db
        .selectFrom('grants')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async list(orgId, filter = {}) {
      let query = db.selectFrom('grants').selectAll().where('org_id', '=', orgId);
      if (filter.agentId !== undefined) query = query.where('agent_id', '=', filter.agentId);
      if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
      if (filter.activeAt !== undefined) {
        query = query.where('revoked_at', 'is', null).where('expires_at', '>', filter.activeAt);
      }
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toRecord);
    },

    async active(orgId, { agentId, environment, runId, at }) {
      const rows = await db
        .selectFrom('grants')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('environment', '=', environment)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', at)
        .where((eb) =>
          eb.or([
            eb('kind', '=', 'standing'),
            eb.and([eb('kind', '=', 'jit'), eb('run_id', '=', runId)]),
          ]),
        )
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },

    async revoke(orgId, id, at, by) {
      const result = await db
        .updateTable('grants')
        .set({ revoked_at: at, revoked_by: by })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
