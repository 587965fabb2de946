import type { Selectable } from 'kysely';
import type {
  AuditPayloadRepository,
  BlobRecord,
  BlobRefRecord,
  HoldRecord,
  PayloadClass,
} from '../audit-evidence-port.js';
import type {
  AuditBlobRefsTable,
  AuditBlobsTable,
  AuditHoldsTable,
} from '../audit-evidence-tables.js';
import { fromDbInteger, insertRows, type RepositoryContext } from './context.js';

const INSERT_CHUNK = 500;
const BLOB_COLUMNS = ['org_id', 'digest', 'class', 'content', 'bytes', 'created_at', 'pruned_at'];
const REF_COLUMNS = [
  'org_id',
  'seq',
  'name',
  'digest',
  'run_id',
  'user_id',
  'agent_id',
  'type',
  'tool',
  'time',
];

function toBlob(row: Selectable<AuditBlobsTable>): BlobRecord {
  return {
    orgId: row.org_id,
    digest: row.digest,
    class: row.class as PayloadClass,
    content: row.content,
    bytes: row.bytes,
    createdAt: row.created_at,
    prunedAt: row.pruned_at,
  };
}

function toRef(row: Selectable<AuditBlobRefsTable>): BlobRefRecord {
  return {
    orgId: row.org_id,
    seq: fromDbInteger(row.seq),
    name: row.name,
    digest: row.digest,
    runId: row.run_id,
    userId: row.user_id,
    agentId: row.agent_id,
    type: row.type,
    tool: row.tool,
    time: row.time,
  };
}

function toHold(row: Selectable<AuditHoldsTable>): HoldRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    kind: row.kind as HoldRecord['kind'],
    value: row.value,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
    releasedAt: row.released_at,
    releasedBy: row.released_by,
  };
}

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += INSERT_CHUNK)
    result.push(items.slice(start, start + INSERT_CHUNK));
  return result;
}

/** Payload blobs referenced from audit entries, their references, and legal holds. */
export function auditPayloadRepository(context: RepositoryContext): AuditPayloadRepository {
  const { db } = context;
  return {
    // Both inserts run in every audit append that carries payloads: past the query builder.
    async insertBlobs(blobs) {
      await insertRows(
        context,
        db,
        'audit_blobs',
        BLOB_COLUMNS,
        blobs.map((blob) => [
          blob.orgId,
          blob.digest,
          blob.class,
          blob.content,
          blob.bytes,
          blob.createdAt,
          blob.prunedAt,
        ]),
        ' on conflict do nothing',
      );
    },

    async insertRefs(refs) {
      await insertRows(
        context,
        db,
        'audit_blob_refs',
        REF_COLUMNS,
        refs.map((ref) => [
          ref.orgId,
          ref.seq,
          ref.name,
          ref.digest,
          ref.runId,
          ref.userId,
          ref.agentId,
          ref.type,
          ref.tool,
          ref.time,
        ]),
      );
    },

    async getBlob(orgId, digest) {
      const row = await db
        .selectFrom('audit_blobs')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('digest', '=', digest)
        .executeTakeFirst();
      return row === undefined ? undefined : toBlob(row);
    },

    async pruneCandidates(orgId, payloadClass, before, limit, after) {
      // Retention runs from the newest reference: a state seen again yesterday is not old.
      const blobs = await db
        .selectFrom('audit_blobs as blob')
        .selectAll('blob')
        .where('blob.org_id', '=', orgId)
        .where('blob.class', '=', payloadClass)
        .where('blob.pruned_at', 'is', null)
        .where('blob.created_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('audit_blob_refs as ref')
                .select('ref.seq')
                .whereRef('ref.org_id', '=', 'blob.org_id')
                .whereRef('ref.digest', '=', 'blob.digest')
                .where('ref.time', '>=', before),
            ),
          ),
        )
        .$if(after !== undefined, (query) =>
          query.where((expression) =>
            expression.or([
              expression('blob.created_at', '>', after!.createdAt),
              expression.and([
                expression('blob.created_at', '=', after!.createdAt),
                expression('blob.digest', '>', after!.digest),
              ]),
            ]),
          ),
        )
        .orderBy('blob.created_at')
        .orderBy('blob.digest')
        .limit(limit)
        .execute();
      if (blobs.length === 0) return [];
      const refs = await db
        .selectFrom('audit_blob_refs')
        .selectAll()
        .where('org_id', '=', orgId)
        .where(
          'digest',
          'in',
          blobs.map((blob) => blob.digest),
        )
        .orderBy('seq')
        .execute();
      const byDigest = new Map<string, BlobRefRecord[]>();
      for (const ref of refs.map(toRef)) {
        const list = byDigest.get(ref.digest) ?? [];
        list.push(ref);
        byDigest.set(ref.digest, list);
      }
      return blobs.map((row) => ({ blob: toBlob(row), refs: byDigest.get(row.digest) ?? [] }));
    },

    async prune(orgId, digests, at) {
      let pruned = 0;
      for (const chunk of chunks(digests)) {
        const result = await db
          .updateTable('audit_blobs')
          .set({ content: null, pruned_at: at })
          .where('org_id', '=', orgId)
          .where('digest', 'in', chunk)
          .where('pruned_at', 'is', null)
          .executeTakeFirst();
        pruned += Number(result.numUpdatedRows);
      }
      return pruned;
    },

    async addHold(hold) {
      await db
        .insertInto('audit_holds')
        .values({
          org_id: hold.orgId,
          id: hold.id,
          kind: hold.kind,
          value: hold.value,
          reason: hold.reason,
          created_by: hold.createdBy,
          created_at: hold.createdAt,
          released_at: hold.releasedAt,
          released_by: hold.releasedBy,
        })
        .execute();
    },

    async holds(orgId, filter = {}) {
      let query = db.selectFrom('audit_holds').selectAll().where('org_id', '=', orgId);
      if (filter.active === true) query = query.where('released_at', 'is', null);
      if (filter.active === false) query = query.where('released_at', 'is not', null);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(toHold);
    },

    async releaseHold(orgId, id, by, at) {
      const result = await db
        .updateTable('audit_holds')
        .set({ released_at: at, released_by: by })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('released_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
