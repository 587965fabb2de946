import type { Selectable } from 'kysely';
import type { AgentsTable } from '../database.js';
import type { AgentRecord, AgentRepository } from '../port.js';
import { fromJson, toJson, type RepositoryContext } from './context.js';

function toRecord(row: Selectable<AgentsTable>): AgentRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    description: row.description,
    owner: row.owner,
    environment: row.environment as AgentRecord['environment'],
    packs: fromJson<string[]>(row.packs),
    scopes: fromJson<string[]>(row.scopes),
    planner: fromJson<AgentRecord['planner']>(row.planner),
    createdAt: row.created_at,
  };
}

/** Agents: named configurations (model, packs, standing scopes, environment, owner). */
export function agentRepository(context: RepositoryContext): AgentRepository {
  const { db } = context;
  return {
    async upsert(agent) {
      const columns = {
        description: agent.description,
        owner: agent.owner,
        environment: agent.environment,
        packs: toJson(agent.packs),
        scopes: toJson(agent.scopes),
        planner: toJson(agent.planner),
        created_at: agent.createdAt,
      };
      await db
        .insertInto('agents')
        .values({ org_id: agent.orgId, id: agent.id, ...columns })
        .onConflict((conflict) => conflict.columns(['org_id', 'id']).doUpdateSet(columns))
        .execute();
    },

    async get(orgId, id) {
      const row = await db
        .selectFrom('agents')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async list(orgId) {
      const rows = await db
        .selectFrom('agents')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },
  };
}
