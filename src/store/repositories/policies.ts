import type { Selectable } from 'kysely';
import type { PolicySetsTable } from '../database.js';
import type { PolicyRepository, PolicySetRecord } from '../port.js';
import {
  fromDbBoolean,
  fromDbInteger,
  fromJson,
  lockForOrganisation,
  toDbBoolean,
  toJson,
  type RepositoryContext,
} from './context.js';

function toRecord(row: Selectable<PolicySetsTable>): PolicySetRecord {
  return {
    orgId: row.org_id,
    version: row.version,
    digest: row.digest,
    policies: fromJson<PolicySetRecord['policies']>(row.policies),
    createdBy: row.created_by,
    createdAt: row.created_at,
    active: fromDbBoolean(row.active),
  };
}

/** Versioned policy sets; exactly one version per organisation is active once any exists. */
export function policyRepository(context: RepositoryContext): PolicyRepository {
  const { db } = context;
  return {
    async activate(record) {
      return context.inTransaction(async (transaction) => {
        await lockForOrganisation(context, transaction, 'policy', record.orgId);
        const latest = await transaction
          .selectFrom('policy_sets')
          .select((expression) => expression.fn.max('version').as('version'))
          .where('org_id', '=', record.orgId)
          .executeTakeFirst();
        const version = fromDbInteger(latest?.version ?? 0) + 1;
        await transaction
          .updateTable('policy_sets')
          .set({ active: toDbBoolean(context, false) })
          .where('org_id', '=', record.orgId)
          .where('active', '=', toDbBoolean(context, true))
          .execute();
        const stored: PolicySetRecord = { ...record, version, active: true };
        await transaction
          .insertInto('policy_sets')
          .values({
            org_id: stored.orgId,
            version: stored.version,
            digest: stored.digest,
            policies: toJson(stored.policies),
            created_by: stored.createdBy,
            created_at: stored.createdAt,
            active: toDbBoolean(context, true),
          })
          .execute();
        return stored;
      });
    },

    async active(orgId) {
      const row = await db
        .selectFrom('policy_sets')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('active', '=', toDbBoolean(context, true))
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async get(orgId, version) {
      const row = await db
        .selectFrom('policy_sets')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('version', '=', version)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async list(orgId) {
      const rows = await db
        .selectFrom('policy_sets')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('version')
        .execute();
      return rows.map(toRecord);
    },
  };
}
