import { sql, type Selectable } from 'kysely';
import type {
  AuditTreeRepository,
  RawAuditRow,
  CheckpointRecord,
  TreeNodeRecord,
} from '../audit-evidence-port.js';
import type { AuditCheckpointsTable } from '../audit-evidence-tables.js';
import type { DbInteger } from '../database.js';
import { AUDIT_WRITER_ROLE } from '../migrations/audit-evidence-guards.js';
import { fromDbInteger, insertRows, runStatement, type RepositoryContext } from './context.js';
import { leavesCompleting, treePosition } from './tree-position.js';

const NODE_COLUMNS = ['org_id', 'pos', 'level', 'idx', 'hash'];
const READ_CHUNK = 500;
const RAW_RANGE = `select seq, entry as text, prev_hash as "prevHash", hash from audit_log
  where org_id = ? and seq >= ? order by seq limit ?`;

function toCheckpoint(row: Selectable<AuditCheckpointsTable>): CheckpointRecord {
  return {
    orgId: row.org_id,
    size: fromDbInteger(row.size),
    root: row.root,
    note: row.note,
    createdAt: row.created_at,
  };
}

function toBytes(value: Uint8Array): Uint8Array {
  // pg returns Buffer, better-sqlite3 returns Buffer: both are Uint8Arrays already.
  return value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBufferLike);
}

/** The audit log's Merkle tree nodes, raw rows and signed checkpoints. */
export function auditTreeRepository(context: RepositoryContext): AuditTreeRepository {
  const { db } = context;

  async function readPositions(orgId: string, positions: number[]): Promise<TreeNodeRecord[]> {
    const found: TreeNodeRecord[] = [];
    for (let start = 0; start < positions.length; start += READ_CHUNK) {
      const rows = await db
        .selectFrom('audit_tree')
        .select(['level', 'idx', 'hash'])
        .where('org_id', '=', orgId)
        .where('pos', 'in', positions.slice(start, start + READ_CHUNK))
        .execute();
      for (const row of rows) {
        found.push({ level: row.level, index: fromDbInteger(row.idx), hash: toBytes(row.hash) });
      }
    }
    return found;
  }

  return {
    async actAsWriter() {
      if (context.dialect !== 'postgres') return;
      // set_config(..., true) lasts until the transaction ends, like SET LOCAL ROLE. The nested
      // CASE keeps pg_has_role from running (and failing) when the role does not exist.
      await sql`select case when exists (select 1 from pg_roles where rolname = ${AUDIT_WRITER_ROLE})
                  then case when pg_has_role(current_user, ${AUDIT_WRITER_ROLE}, 'MEMBER')
                    then set_config('role', ${AUDIT_WRITER_ROLE}, true) end end`.execute(db);
    },

    async insertNodes(orgId, nodes) {
      // Past the query builder: this runs in every audit append (see runStatement).
      await insertRows(
        context,
        db,
        'audit_tree',
        NODE_COLUMNS,
        nodes.map((node) => [
          orgId,
          treePosition(node.level, node.index),
          node.level,
          node.index,
          node.hash,
        ]),
        ' on conflict do nothing',
      );
    },

    // Nodes are found by their write position (the primary key), which (level, index) fixes.
    async nodes(orgId, keys) {
      return readPositions(
        orgId,
        keys.map((key) => treePosition(key.level, key.index)),
      );
    },

    async nodeRange(orgId, level, from, to) {
      const positions: number[] = [];
      for (let index = from; index <= to; index += 1) positions.push(treePosition(level, index));
      const nodes = await readPositions(orgId, positions);
      return nodes.sort((left, right) => left.index - right.index);
    },

    // The node written last was completed by the newest leaf.
    async leafCount(orgId) {
      const row = await db
        .selectFrom('audit_tree')
        .select(['level', 'idx'])
        .where('org_id', '=', orgId)
        .orderBy('pos', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? 0 : leavesCompleting(row.level, fromDbInteger(row.idx));
    },

    // Verify and export read the whole log through here, page by page: one fixed statement
    // whose rows come back in the record's shape, with nothing to copy.
    async rawRange(orgId, fromSeq, limit) {
      const rows = await runStatement<
        RawAuditRow | (Omit<RawAuditRow, 'seq'> & { seq: DbInteger })
      >(context, db, RAW_RANGE, [orgId, fromSeq, limit]);
      for (const row of rows) {
        if (typeof row.seq !== 'number') row.seq = fromDbInteger(row.seq);
      }
      return rows as RawAuditRow[];
    },

    async insertCheckpoint(record) {
      const result = await db
        .insertInto('audit_checkpoints')
        .values({
          org_id: record.orgId,
          size: record.size,
          root: record.root,
          note: record.note,
          created_at: record.createdAt,
        })
        .onConflict((conflict) => conflict.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0 ? 'inserted' : 'exists';
    },

    async checkpoints(orgId) {
      const rows = await db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('size')
        .orderBy('created_at')
        .execute();
      return rows.map(toCheckpoint);
    },

    async latestCheckpoint(orgId) {
      const row = await db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('size', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? undefined : toCheckpoint(row);
    },
  };
}
