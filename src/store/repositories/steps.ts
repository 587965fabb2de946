import type { Selectable, Updateable } from 'kysely';
import type { StepsTable } from '../database.js';
import { StoreError } from '../errors.js';
import type { StepRecord, StepRepository } from '../port.js';
import { fromJson, fromJsonOrNull, nowIso, toJson, type RepositoryContext } from './context.js';

type StepChange = Parameters<StepRepository['update']>[3];

function toRecord(row: Selectable<StepsTable>): StepRecord {
  return {
    orgId: row.org_id,
    runId: row.run_id,
    index: row.step_index,
    tool: row.tool,
    args: fromJson<StepRecord['args']>(row.args),
    status: row.status as StepRecord['status'],
    decision: fromJsonOrNull<NonNullable<StepRecord['decision']>>(row.decision),
    result: fromJson<unknown>(row.result),
    error: row.error,
    approvalId: row.approval_id,
    model: fromJsonOrNull<NonNullable<StepRecord['model']>>(row.model),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function nullableJson(value: unknown): string | null {
  return value === null ? null : toJson(value);
}

function changedColumns(change: StepChange): Updateable<StepsTable> {
  const set: Updateable<StepsTable> = { updated_at: change.updatedAt ?? nowIso() };
  if (change.tool !== undefined) set.tool = change.tool;
  if (change.args !== undefined) set.args = toJson(change.args);
  if (change.status !== undefined) set.status = change.status;
  if (change.decision !== undefined) set.decision = nullableJson(change.decision);
  if (change.result !== undefined) set.result = toJson(change.result);
  if (change.error !== undefined) set.error = change.error;
  if (change.approvalId !== undefined) set.approval_id = change.approvalId;
  if (change.model !== undefined) set.model = nullableJson(change.model);
  return set;
}

/** Steps: planner turns and tool calls inside a run, keyed by their position. */
export function stepRepository(context: RepositoryContext): StepRepository {
  const { db } = context;
  return {
    async insert(step) {
      await db
        .insertInto('steps')
        .values({
          org_id: step.orgId,
          run_id: step.runId,
          step_index: step.index,
          tool: step.tool,
          args: toJson(step.args),
          status: step.status,
          decision: nullableJson(step.decision),
          result: toJson(step.result),
          error: step.error,
          approval_id: step.approvalId,
          model: nullableJson(step.model),
          created_at: step.createdAt,
          updated_at: step.updatedAt,
        })
        .execute();
    },

    async get(orgId, runId, index) {
      const row = await db
        .selectFrom('steps')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('run_id', '=', runId)
        .where('step_index', '=', index)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async listForRun(orgId, runId) {
      const rows = await db
        .selectFrom('steps')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('run_id', '=', runId)
        .orderBy('step_index')
        .execute();
      return rows.map(toRecord);
    },

    async update(orgId, runId, index, change) {
      const row = await db
        .updateTable('steps')
        .set(changedColumns(change))
        .where('org_id', '=', orgId)
        .where('run_id', '=', runId)
        .where('step_index', '=', index)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        throw new StoreError('not-found', `no step ${index} in run ${runId}`, {
          details: { orgId, runId, index },
        });
      }
      return toRecord(row);
    },
  };
}
