import type { Selectable } from 'kysely';
import type { KillSwitchTable, RevocationEpochsTable } from '../access-tables.js';
import type { DbBoolean, DbInteger } from '../database.js';
import type {
  EpochSubject,
  KillSwitchRecord,
  RevocationEpochRecord,
  RevocationStateRepository,
} from '../access-port.js';
import {
  fromDbBoolean,
  fromDbInteger,
  runStatement,
  toDbBoolean,
  type RepositoryContext,
} from './context.js';

function toEpoch(row: Selectable<RevocationEpochsTable>): RevocationEpochRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    subjectKind: row.subject_kind as EpochSubject,
    subjectId: row.subject_id,
    notBefore: row.not_before,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function toKillSwitch(row: Selectable<KillSwitchTable>): KillSwitchRecord {
  return {
    orgId: row.org_id,
    engaged: fromDbBoolean(row.engaged),
    reason: row.reason,
    changedBy: row.changed_by,
    changedAt: row.changed_at,
  };
}

const STATUS = `select
  (select count(*) from revocations where org_id = ? and jti = ?) as jti_revoked,
  (select max(not_before) from revocation_epochs where org_id = ? and (
    (subject_kind = 'agent' and subject_id = ?)
    or (subject_kind = 'user' and subject_id = ?)
    or (subject_kind = 'run' and subject_id = ?)
    or subject_kind = 'all'
  )) as latest_epoch,
  (select engaged from kill_switch where org_id = ?) as kill_switch`;

/** Revocation epochs and the kill switch, and the one-query status every tool call reads. */
export function revocationStateRepository(context: RepositoryContext): RevocationStateRepository {
  const { db } = context;
  return {
    async addEpoch(epoch) {
      await db
        .insertInto('revocation_epochs')
        .values({
          org_id: epoch.orgId,
          id: epoch.id,
          subject_kind: epoch.subjectKind,
          subject_id: epoch.subjectId,
          not_before: epoch.notBefore,
          reason: epoch.reason,
          created_by: epoch.createdBy,
          created_at: epoch.createdAt,
        })
        .execute();
    },

    async epochs(orgId, limit = 1000) {
      const rows = await db
        .selectFrom('revocation_epochs')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(limit, 10_000))
        .execute();
      return rows.map(toEpoch);
    },

    async setKillSwitch(state) {
      const columns = {
        engaged: toDbBoolean(context, state.engaged),
        reason: state.reason,
        changed_by: state.changedBy,
        changed_at: state.changedAt,
      };
      await db
        .insertInto('kill_switch')
        .values({ org_id: state.orgId, ...columns })
        .onConflict((conflict) => conflict.column('org_id').doUpdateSet(columns))
        .execute();
    },

    async killSwitch(orgId) {
      const row = await db
        .selectFrom('kill_switch')
        .selectAll()
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      return row && toKillSwitch(row);
    },

    // Called for every tool call and every watch tick: three indexed lookups in one fixed
    // statement, past the query builder (see runStatement), whose building and compiling cost
    // more than the lookups.
    async status(orgId, token) {
      const rows = await runStatement<{
        jti_revoked: DbInteger | null;
        latest_epoch: string | null;
        kill_switch: DbBoolean | null;
      }>(context, db, STATUS, [
        orgId,
        token.jti,
        orgId,
        token.agentId,
        token.userId,
        token.runId,
        orgId,
      ]);
      const row = rows[0];
      if (row === undefined) throw new Error('the revocation status query returned no row');
      const engaged = row.kill_switch;
      return {
        jtiRevoked: fromDbInteger(row.jti_revoked ?? 0) > 0,
        latestEpoch: row.latest_epoch ?? null,
        killSwitchEngaged:
          engaged === null || engaged === undefined ? false : fromDbBoolean(engaged),
      };
    },
  };
}
