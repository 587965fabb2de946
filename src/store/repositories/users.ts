import type { Selectable } from 'kysely';
import type { UsersTable } from '../database.js';
import type { UserRecord, UserRepository } from '../port.js';
import { fromDbBoolean, fromJson, toDbBoolean, toJson, type RepositoryContext } from './context.js';

function toRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    displayName: row.display_name,
    roles: fromJson<string[]>(row.roles),
    disabled: fromDbBoolean(row.disabled),
    createdAt: row.created_at,
  };
}

/** Users: people known to an organisation, with their roles. */
export function userRepository(context: RepositoryContext): UserRepository {
  const { db } = context;
  return {
    async upsert(user) {
      const columns = {
        display_name: user.displayName,
        roles: toJson(user.roles),
        disabled: toDbBoolean(context, user.disabled),
        created_at: user.createdAt,
      };
      await db
        .insertInto('users')
        .values({ org_id: user.orgId, id: user.id, ...columns })
        .onConflict((conflict) => conflict.columns(['org_id', 'id']).doUpdateSet(columns))
        .execute();
    },

    async get(orgId, id) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async list(orgId) {
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },
  };
}
