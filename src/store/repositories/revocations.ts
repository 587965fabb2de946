import type { RevocationRepository } from '../port.js';
import type { RepositoryContext } from './context.js';

/** Revoked capability tokens, by jti; revoking twice keeps the first record. */
export function revocationRepository(context: RepositoryContext): RevocationRepository {
  const { db } = context;
  return {
    async revoke(record) {
      await db
        .insertInto('revocations')
        .values({
          org_id: record.orgId,
          jti: record.jti,
          reason: record.reason,
          revoked_at: record.revokedAt,
          expires_at: record.expiresAt,
        })
        .onConflict((conflict) => conflict.columns(['org_id', 'jti']).doNothing())
        .execute();
    },

    async isRevoked(orgId, jti) {
      const row = await db
        .selectFrom('revocations')
        .select('jti')
        .where('org_id', '=', orgId)
        .where('jti', '=', jti)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
