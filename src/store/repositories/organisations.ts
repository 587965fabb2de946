import type { OrganisationRepository } from '../port.js';
import { nowIso, type RepositoryContext } from './context.js';

/** Organisations: every other record names one. */
export function organisationRepository(context: RepositoryContext): OrganisationRepository {
  const { db } = context;
  return {
    async ensure(id, name) {
      await db
        .insertInto('organisations')
        .values({ org_id: id, name, created_at: nowIso() })
        .onConflict((conflict) => conflict.column('org_id').doNothing())
        .execute();
    },

    async get(id) {
      const row = await db
        .selectFrom('organisations')
        .selectAll()
        .where('org_id', '=', id)
        .executeTakeFirst();
      return row && { id: row.org_id, name: row.name, createdAt: row.created_at };
    },
  };
}
