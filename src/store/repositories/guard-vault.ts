import type { Selectable } from 'kysely';
import type { GuardVaultRepository, VaultRecord } from '../guard-policy-port.js';
import type { GuardVaultTable } from '../guard-policy-tables.js';
import { runStatement, type RepositoryContext } from './context.js';

const FOR_RUN = `select org_id, run_id, placeholder, data_class, value, digest, created_at
  from guard_vault where org_id = ? and run_id = ? order by created_at, placeholder`;

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

    // Read on every call whose arguments or result hold personal data or secrets: a fixed
    // statement past the query builder (see runStatement), whose building cost more than the read.
    async forRun(orgId, runId) {
      const rows = await runStatement<Selectable<GuardVaultTable>>(context, db, FOR_RUN, [
        orgId,
        runId,
      ]);
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
