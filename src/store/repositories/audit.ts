import type { Kysely, Selectable } from 'kysely';
import { canonicalJson } from '../../core/index.js';
import type { AuditLogTable, Database, DbInteger } from '../database.js';
import { StoreError } from '../errors.js';
import type { AuditRepository, AuditRow } from '../port.js';
import {
  fromDbInteger,
  fromJson,
  insertRows,
  lockForOrganisation,
  runStatement,
  type RepositoryContext,
} from './context.js';

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

// The append path's statements run past the query builder (see runStatement): they are most of
// what an append costs the store.
const TAIL = 'select seq, hash from audit_log where org_id = ? order by seq desc limit 1';
const COLUMNS = ['org_id', 'seq', 'entry', 'prev_hash', 'hash', 'run_id'];

async function readTail(context: RepositoryContext, db: Kysely<Database>, orgId: string) {
  const [row] = await runStatement<{ seq: DbInteger; hash: string }>(context, db, TAIL, [orgId]);
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

function toInsert(row: AuditRow): unknown[] {
  const runId = row.entry['runId'];
  return [
    row.orgId,
    row.seq,
    // Canonical JSON: the stored text is exactly what was hashed, checkable by any tool. The
    // audit room passes the text it hashed; it is the entry's canonical form (AuditRow.text).
    row.text ?? canonicalJson(row.entry),
    row.prevHash,
    row.hash,
    typeof runId === 'string' ? runId : null,
  ];
}

/** Appends the rows `build` makes from the tail, under the append lock, checked link by link. */
async function appendRows(
  context: RepositoryContext,
  orgId: string,
  build: (tail: Tail) => AuditRow[],
): Promise<AuditRow[]> {
  return context.inTransaction(async (transaction) => {
    await lockForOrganisation(context, transaction, 'audit', orgId);
    let tail = await readTail(context, transaction, orgId);
    const rows = build(tail);
    for (const row of rows) {
      checkChain(orgId, tail, row);
      tail = { seq: row.seq, hash: row.hash };
    }
    await insertRows(context, transaction, 'audit_log', COLUMNS, rows.map(toInsert));
    return rows;
  });
}

/** The append-only, hash-chained audit log: one total order per organisation. */
export function auditRepository(context: RepositoryContext): AuditRepository {
  const { db } = context;
  return {
    async append(orgId, build) {
      const [row] = await appendRows(context, orgId, (tail) => [build(tail)]);
      return row!;
    },

    async appendMany(orgId, build) {
      return appendRows(context, orgId, build);
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
      return readTail(context, db, orgId);
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
