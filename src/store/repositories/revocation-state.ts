import type { Selectable } from 'kysely';
import type { KillSwitchTable, RevocationEpochsTable } from '../access-tables.js';
import type {
  EpochSubject,
  KillSwitchRecord,
  RevocationEpochRecord,
  RevocationStateRepository,
} from '../access-port.js';
import { fromDbBoolean, fromDbInteger, toDbBoolean, type RepositoryContext } from './context.js';

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

    // Called for every tool call and every watch tick: three indexed lookups in one statement.
    async status(orgId, token) {
      const row = await db
        .selectNoFrom((eb) => [
          eb
            .selectFrom('revocations')
            .select((inner) => inner.fn.countAll<number | string>().as('n'))
            .where('org_id', '=', orgId)
            .where('jti', '=', token.jti)
            .as('jti_revoked'),
          eb
            .selectFrom('revocation_epochs')
            .select((inner) => inner.fn.max('not_before').as('m'))
            .where('org_id', '=', orgId)
            .where((inner) =>
              inner.or([
                inner.and([
                  inner('subject_kind', '=', 'agent'),
                  inner('subject_id', '=', token.agentId),
                ]),
                inner.and([
                  inner('subject_kind', '=', 'user'),
                  inner('subject_id', '=', token.userId),
                ]),
                inner.and([
                  inner('subject_kind', '=', 'run'),
                  inner('subject_id', '=', token.runId),
                ]),
                inner('subject_kind', '=', 'all'),
              ]),
            )
            .as('latest_epoch'),
          eb
            .selectFrom('kill_switch')
            .select('engaged')
            .where('org_id', '=', orgId)
            .as('kill_switch'),
        ])
        .executeTakeFirstOrThrow();
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
