import type { DbInteger } from './database.js';

/**
 * audit_tree: one row per complete subtree of the audit log's Merkle tree, keyed by the order
 * nodes are written (`pos`, see repositories/tree-position.ts).
 */
export interface AuditTreeTable {
  org_id: string;
  pos: DbInteger;
  level: number;
  idx: DbInteger;
  hash: Uint8Array;
}

/** audit_checkpoints: signed tree heads; at most one per size unless someone tampered. */
export interface AuditCheckpointsTable {
  org_id: string;
  size: DbInteger;
  root: string;
  note: string;
  created_at: string;
}

/** audit_blobs: content-addressed payloads; only `content` may ever change, and only to null. */
export interface AuditBlobsTable {
  org_id: string;
  digest: string;
  class: string;
  content: string | null;
  bytes: number;
  created_at: string;
  pruned_at: string | null;
}

/** audit_blob_refs: which entry names which blob. */
export interface AuditBlobRefsTable {
  org_id: string;
  seq: DbInteger;
  name: string;
  digest: string;
  run_id: string | null;
  user_id: string | null;
  agent_id: string | null;
  type: string;
  tool: string | null;
  time: string;
}

/** audit_holds: legal holds. */
export interface AuditHoldsTable {
  org_id: string;
  id: string;
  kind: string;
  value: string;
  reason: string;
  created_by: string;
  created_at: string;
  released_at: string | null;
  released_by: string | null;
}

/** The tables migration 0003 adds. */
export interface AuditEvidenceTables {
  audit_tree: AuditTreeTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_blobs: AuditBlobsTable;
  audit_blob_refs: AuditBlobRefsTable;
  audit_holds: AuditHoldsTable;
}
