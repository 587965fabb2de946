import type { Selectable } from 'kysely';
import type { IssuedTokensTable } from '../access-tables.js';
import type { IssuedTokenRecord, IssuedTokenRepository } from '../access-port.js';
import { fromJson, toJson, type RepositoryContext } from './context.js';

function toRecord(row: Selectable<IssuedTokensTable>): IssuedTokenRecord {
  return {
    orgId: row.org_id,
    jti: row.jti,
    runId: row.run_id,
    userId: row.user_id,
    agentId: row.agent_id,
    scopes: fromJson<string[]>(row.scopes),
    grantIds: fromJson<string[]>(row.grant_ids),
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
  };
}

/** Issued capability tokens: their claims without the token itself, which is never stored. */
export function issuedTokenRepository(context: RepositoryContext): IssuedTokenRepository {
  const { db } = context;
  return {
    async insert(token) {
      await db
        .insertInto('issued_tokens')
        .values({
          org_id: token.orgId,
          jti: token.jti,
          run_id: token.runId,
          user_id: token.userId,
          agent_id: token.agentId,
          scopes: toJson(token.scopes),
          grant_ids: toJson(token.grantIds),
          issued_at: token.issuedAt,
          expires_at: token.expiresAt,
        })
        .execute();
    },

    async get(orgId, jti) {
      const row = await db
        .selectFrom('issued_tokens')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('jti', '=', jti)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async list(orgId, filter = {}) {
      let query = db.selectFrom('issued_tokens').selectAll().where('org_id', '=', orgId);
      if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
      if (filter.agentId !== undefined) query = query.where('agent_id', '=', filter.agentId);
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      if (filter.activeAt !== undefined) query = query.where('expires_at', '>', filter.activeAt);
      const rows = await query
        .orderBy('issued_at', 'desc')
        .orderBy('jti', 'desc')
        .limit(Math.min(filter.limit ?? 1000, 10_000))
        .execute();
      const records = rows.map(toRecord);
      // Grant ids live in a JSON array; the few tokens of one grant are filtered here.
      const grantId = filter.grantId;
      return grantId === undefined
        ? records
        : records.filter((token) => token.grantIds.includes(grantId));
    },
  };
}
