import type { Selectable, Updateable } from 'kysely';
import type { RunsTable } from '../database.js';
import type { RunRecord, RunRepository } from '../port.js';
import {
  fromDbBoolean,
  fromJson,
  nowIso,
  toDbBoolean,
  toJson,
  type RepositoryContext,
} from './context.js';

type RunChange = Parameters<RunRepository['update']>[3];

function toRecord(row: Selectable<RunsTable>): RunRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    agentId: row.agent_id,
    requestedBy: row.requested_by,
    prompt: row.prompt,
    status: row.status as RunRecord['status'],
    planner: fromJson<RunRecord['planner']>(row.planner),
    input: fromJson<RunRecord['input']>(row.input),
    tainted: fromDbBoolean(row.tainted),
    tokenJti: row.token_jti,
    reason: row.reason,
    stepCount: row.step_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

function changedColumns(context: RepositoryContext, change: RunChange): Updateable<RunsTable> {
  const set: Updateable<RunsTable> = { updated_at: change.updatedAt ?? nowIso() };
  if (change.agentId !== undefined) set.agent_id = change.agentId;
  if (change.requestedBy !== undefined) set.requested_by = change.requestedBy;
  if (change.prompt !== undefined) set.prompt = change.prompt;
  if (change.status !== undefined) set.status = change.status;
  if (change.planner !== undefined) set.planner = toJson(change.planner);
  if (change.input !== undefined) set.input = toJson(change.input);
  if (change.tainted !== undefined) set.tainted = toDbBoolean(context, change.tainted);
  if (change.tokenJti !== undefined) set.token_jti = change.tokenJti;
  if (change.reason !== undefined) set.reason = change.reason;
  if (change.stepCount !== undefined) set.step_count = change.stepCount;
  return set;
}

/** Runs: durable state machines, updated with optimistic concurrency. */
export function runRepository(context: RepositoryContext): RunRepository {
  const { db } = context;
  return {
    async insert(run) {
      await db
        .insertInto('runs')
        .values({
          org_id: run.orgId,
          id: run.id,
          agent_id: run.agentId,
          requested_by: run.requestedBy,
          prompt: run.prompt,
          status: run.status,
          planner: toJson(run.planner),
          input: toJson(run.input),
          tainted: toDbBoolean(context, run.tainted),
          token_jti: run.tokenJti,
          reason: run.reason,
          step_count: run.stepCount,
          created_at: run.createdAt,
          updated_at: run.updatedAt,
          version: run.version,
        })
        .execute();
    },

    async get(orgId, id) {
      const row = await db
        .selectFrom('runs')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    // Newest first, so `limit` yields the most recent runs.
    async list(orgId, filter = {}) {
      if (filter.status !== undefined && filter.status.length === 0) return [];
      let query = db.selectFrom('runs').selectAll().where('org_id', '=', orgId);
      if (filter.status !== undefined) query = query.where('status', 'in', filter.status);
      if (filter.limit !== undefined) query = query.limit(filter.limit);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toRecord);
    },

    async update(orgId, id, expectedVersion, change) {
      const row = await db
        .updateTable('runs')
        .set((expression) => ({
          ...changedColumns(context, change),
          version: expression('version', '+', 1),
        }))
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .returningAll()
        .executeTakeFirst();
      return row && toRecord(row);
    },
  };
}
