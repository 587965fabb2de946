import type { PolicyGovernanceRepository } from '../guard-policy-port.js';
import type { PolicySetRecord } from '../port.js';
import {
  fromDbInteger,
  fromJson,
  lockForOrganisation,
  toDbBoolean,
  toJson,
  type RepositoryContext,
} from './context.js';

/** Candidate policy versions, compare-and-set activation, and the shadow set. */
export function policyGovernanceRepository(context: RepositoryContext): PolicyGovernanceRepository {
  const { db } = context;
  return {
    async propose(record) {
      return context.inTransaction(async (transaction) => {
        await lockForOrganisation(context, transaction, 'policy', record.orgId);
        const latest = await transaction
          .selectFrom('policy_sets')
          .select((expression) => expression.fn.max('version').as('version'))
          .where('org_id', '=', record.orgId)
          .executeTakeFirst();
        const stored: PolicySetRecord = {
          ...record,
          version: fromDbInteger(latest?.version ?? 0) + 1,
          active: false,
        };
        await transaction
          .insertInto('policy_sets')
          .values({
            org_id: stored.orgId,
            version: stored.version,
            digest: stored.digest,
            policies: toJson(stored.policies),
            created_by: stored.createdBy,
            created_at: stored.createdAt,
            active: toDbBoolean(context, false),
          })
          .execute();
        return stored;
      });
    },

    async activateVersion(orgId, version, expectedActive) {
      return context.inTransaction(async (transaction) => {
        await lockForOrganisation(context, transaction, 'policy', orgId);
        const active = await transaction
          .selectFrom('policy_sets')
          .select('version')
          .where('org_id', '=', orgId)
          .where('active', '=', toDbBoolean(context, true))
          .executeTakeFirst();
        if (active?.version !== expectedActive) return undefined;
        const target = await transaction
          .selectFrom('policy_sets')
          .selectAll()
          .where('org_id', '=', orgId)
          .where('version', '=', version)
          .executeTakeFirst();
        if (target === undefined) return undefined;
        await transaction
          .updateTable('policy_sets')
          .set({ active: toDbBoolean(context, false) })
          .where('org_id', '=', orgId)
          .where('active', '=', toDbBoolean(context, true))
          .execute();
        await transaction
          .updateTable('policy_sets')
          .set({ active: toDbBoolean(context, true) })
          .where('org_id', '=', orgId)
          .where('version', '=', version)
          .execute();
        return {
          orgId,
          version: target.version,
          digest: target.digest,
          policies: fromJson<PolicySetRecord['policies']>(target.policies),
          createdBy: target.created_by,
          createdAt: target.created_at,
          active: true,
        };
      });
    },

    async shadow(orgId) {
      const row = await db
        .selectFrom('policy_shadow')
        .selectAll()
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      return row && { orgId, version: row.version, setBy: row.set_by, setAt: row.set_at };
    },

    async setShadow(orgId, version, by, at) {
      if (version === null) {
        await db.deleteFrom('policy_shadow').where('org_id', '=', orgId).execute();
        return;
      }
      await db
        .insertInto('policy_shadow')
        .values({ org_id: orgId, version, set_by: by, set_at: at })
        .onConflict((conflict) =>
          conflict.column('org_id').doUpdateSet({ version, set_by: by, set_at: at }),
        )
        .execute();
    },
  };
}
