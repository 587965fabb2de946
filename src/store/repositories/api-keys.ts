import type { Selectable } from 'kysely';
import type { ApiKeysTable } from '../database.js';
import type { ApiKeyRecord, ApiKeyRepository } from '../port.js';
import type { RepositoryContext } from './context.js';

function toRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    userId: row.user_id,
    secretHash: row.secret_hash,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** API keys: only the hash of each secret is stored. */
export function apiKeyRepository(context: RepositoryContext): ApiKeyRepository {
  const { db } = context;
  return {
    async insert(key) {
      await db
        .insertInto('api_keys')
        .values({
          org_id: key.orgId,
          id: key.id,
          user_id: key.userId,
          secret_hash: key.secretHash,
          label: key.label,
          created_at: key.createdAt,
          expires_at: key.expiresAt,
          revoked_at: key.revokedAt,
        })
        .execute();
    },

    async get(orgId, id) {
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    // The id comes from a presented credential (attacker-controlled): it is only ever bound as
    // a parameter, and ids are unique across organisations, so it names at most one key.
    async find(id) {
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async listForUser(orgId, userId) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },

    async revoke(orgId, id, at) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
