import type { Kysely, Selectable } from 'kysely';
import { canonicalJson } from '../../core/index.js';
import type { AuditLogTable, Database } from '../database.js';
import { StoreError } from '../errors.js';
import type { AuditRepository, AuditRow } from '../port.js';
import { fromDbInteger, fromJson, lockForOrganisation, type RepositoryContext } from './context.js';

type Tail = { seq: number; hash: string } | undefined;

function toRow(row: Selectable<AuditLogTable>): AuditRow {
  return {
    orgId: row.org_id,
    seq: fromDbInteger(row.seq),
    entry: fromJson<AuditRow['entry']>(row.entry),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

async function readTail(db: Kysely<Database>, orgId: string): Promise<Tail> {
  const row = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .where('org_id', '=', orgId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { seq: fromDbInteger(row.seq), hash: row.hash };
}

// The chain is the audit room's to build, but the store refuses a row that would fork or gap
// it: a bug upstream fails closed here instead of writing a log that cannot verify.
function checkChain(orgId: string, tail: Tail, row: AuditRow): void {
  const expectedSeq = (tail?.seq ?? 0) + 1;
  const problem =
    row.orgId !== orgId
      ? `belongs to organisation ${row.orgId}, not ${orgId}`
      : row.seq !== expectedSeq
        ? `has seq ${row.seq}, expected ${expectedSeq}`
        : tail !== undefined && row.prevHash !== tail.hash
          ? `does not chain from the tail hash`
          : undefined;
  if (problem !== undefined) {
    throw new StoreError('invalid', `audit row ${problem}`, { details: { orgId, seq: row.seq } });
  }
}

function toInsert(row: AuditRow) {
  const runId = row.entry['runId'];
  return {
    org_id: row.orgId,
    seq: row.seq,
    // Canonical JSON: the stored text is exactly what was hashed, checkable by any tool.
    entry: canonicalJson(row.entry),
    prev_hash: row.prevHash,
    hash: row.hash,
    run_id: typeof runId === 'string' ? runId : null,
  };
}

/** The append-only, hash-chained audit log: one total order per organisation. */
export function auditRepository(context: RepositoryContext): AuditRepository {
  const { db } = context;
  return {
    async append(orgId, build) {
      return context.inTransaction(async (transaction) => {
        await lockForOrganisation(context, transaction, 'audit', orgId);
        const tail = await readTail(transaction, orgId);
        const row = build(tail);
        checkChain(orgId, tail, row);
        const runId = row.entry['runId'];
        await transaction
          .insertInto('audit_log')
          .values({
            org_id: row.orgId,
            seq: row.seq,
            // Canonical JSON: the stored text is exactly what was hashed, checkable by any tool.
            entry: canonicalJson(row.entry),
            prev_hash: row.prevHash,
            hash: row.hash,
            run_id: typeof runId === 'string' ? runId : null,
          })
          .execute();
        return row;
      });
    },

    async appendMany(orgId, build) {
      return context.inTransaction(async (transaction) => {
        await lockForOrganisation(context, transaction, 'audit', orgId);
        let tail = await readTail(transaction, orgId);
        const rows = build(tail);
        for (const row of rows) {
          checkChain(orgId, tail, row);
          tail = { seq: row.seq, hash: row.hash };
        }
        // Seven columns a row: 100 rows stay far below SQLite's limit on bound values.
        for (let start = 0; start < rows.length; start += 100) {
          await transaction
            .insertInto('audit_log')
            .values(rows.slice(start, start + 100).map(toInsert))
            .execute();
        }
        return rows;
      });
    },

    async range(orgId, fromSeq, toSeq, limit) {
      let query = db
        .selectFrom('audit_log')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('seq', '>=', fromSeq);
      if (toSeq !== undefined) query = query.where('seq', '<=', toSeq);
      if (limit !== undefined) query = query.limit(limit);
      const rows = await query.orderBy('seq').execute();
      return rows.map(toRow);
    },

    async tail(orgId) {
      return readTail(db, orgId);
    },

    async count(orgId) {
      const row = await db
        .selectFrom('audit_log')
        .select((expression) => expression.fn.countAll().as('count'))
        .where('org_id', '=', orgId)
        .executeTakeFirstOrThrow();
      return fromDbInteger(row.count);
    },

    async forRun(orgId, runId) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('run_id', '=', runId)
        .orderBy('seq')
        .execute();
      return rows.map(toRow);
    },
  };
}
