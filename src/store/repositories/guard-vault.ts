import type { GuardVaultRepository, VaultRecord } from '../guard-policy-port.js';
import type { RepositoryContext } from './context.js';

/** The per-run redaction vault. */
export function guardVaultRepository(context: RepositoryContext): GuardVaultRepository {
  const { db } = context;
  return {
    async insert(entries) {
      if (entries.length === 0) return;
      await db
        .insertInto('guard_vault')
        .values(
          entries.map((entry) => ({
            org_id: entry.orgId,
            run_id: entry.runId,
            placeholder: entry.placeholder,
            data_class: entry.dataClass,
            value: entry.value,
            digest: entry.digest,
            created_at: entry.createdAt,
          })),
        )
        .execute();
    },

    async forRun(orgId, runId) {
      const rows = await db
        .selectFrom('guard_vault')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('run_id', '=', runId)
        .orderBy('created_at')
        .orderBy('placeholder')
        .execute();
      return rows.map((row): VaultRecord => ({
        orgId: row.org_id,
        runId: row.run_id,
        placeholder: row.placeholder,
        dataClass: row.data_class,
        value: row.value,
        digest: row.digest,
        createdAt: row.created_at,
      }));
    },
  };
}
