/**
 * The store's side of the evidence-grade audit log: the Merkle tree's complete subtrees, signed
 * checkpoints, content-addressed payload blobs and legal holds. The audit room decides what the
 * rows mean; the store keeps them, append-only where they are evidence.
 */

/** One complete subtree of the Merkle tree: leaves [index·2^level, (index+1)·2^level). */
export interface TreeNodeRecord {
  level: number;
  index: number;
  hash: Uint8Array; // 32 bytes
}

/** An audit row exactly as stored: the entry's canonical JSON text, not a parsed copy. */
export interface RawAuditRow {
  seq: number;
  text: string;
  prevHash: string;
  hash: string;
}

/** A signed checkpoint (C2SP signed note) of the tree at `size`. */
export interface CheckpointRecord {
  orgId: string;
  size: number;
  root: string; // hex SHA-256
  note: string; // the whole signed note, as published
  createdAt: string;
}

/** What a payload blob holds; retention is configured per class. */
export type PayloadClass = 'prompt' | 'state' | 'input' | 'result';

/** A content-addressed payload referenced from audit entries by digest. */
export interface BlobRecord {
  orgId: string;
  digest: string; // sha256:<hex> of `content`
  class: PayloadClass;
  content: string | null; // canonical JSON; null once pruned
  bytes: number;
  createdAt: string;
  prunedAt: string | null;
}

/** Which entry references which blob, with the fields legal holds match on. */
export interface BlobRefRecord {
  orgId: string;
  seq: number;
  name: string; // the payload's name in the entry, e.g. preState
  digest: string;
  runId: string | null;
  userId: string | null;
  agentId: string | null;
  type: string;
  tool: string | null;
  time: string;
}

/** A legal hold: entries it matches keep their payloads until it is released. */
export interface HoldRecord {
  orgId: string;
  id: string;
  kind: 'run' | 'user' | 'query';
  value: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
}

/** The Merkle tree, raw rows and checkpoints of the audit log. */
export interface AuditTreeRepository {
  /**
   * PostgreSQL: inside the current transaction, act as `castellan_audit_writer` (a role that
   * may read and insert audit evidence but never update or delete it) when the connected user
   * may; a no-op on SQLite and outside transactions.
   */
  actAsWriter(): Promise<void>;
  /** Inserts complete-subtree hashes; a node that already exists with the same hash is kept. */
  insertNodes(orgId: string, nodes: TreeNodeRecord[]): Promise<void>;
  /** The nodes among `keys` that exist, in one query. */
  nodes(orgId: string, keys: Array<{ level: number; index: number }>): Promise<TreeNodeRecord[]>;
  /** The nodes of one level with index in [from, to], in one range scan. */
  nodeRange(orgId: string, level: number, from: number, to: number): Promise<TreeNodeRecord[]>;
  /** Leaves recorded so far (the highest leaf index + 1). */
  leafCount(orgId: string): Promise<number>;
  /** Rows with seq ≥ fromSeq, in order, at most `limit`, with the stored entry text. */
  rawRange(orgId: string, fromSeq: number, limit: number): Promise<RawAuditRow[]>;
  /** Inserts a checkpoint; 'exists' when one of that size is stored already (nothing changes). */
  insertCheckpoint(record: CheckpointRecord): Promise<'inserted' | 'exists'>;
  /** Every checkpoint, by size (a tampered store may hold two of one size: all are returned). */
  checkpoints(orgId: string): Promise<CheckpointRecord[]>;
  latestCheckpoint(orgId: string): Promise<CheckpointRecord | undefined>;
}

/** Payload blobs, their references, and legal holds. */
export interface AuditPayloadRepository {
  /** Inserts blobs by digest; an existing digest is kept as it is (content-addressed). */
  insertBlobs(blobs: BlobRecord[]): Promise<void>;
  insertRefs(refs: BlobRefRecord[]): Promise<void>;
  getBlob(orgId: string, digest: string): Promise<BlobRecord | undefined>;
  /**
   * Unpruned blobs of a class whose newest reference is older than `before`, with all refs,
   * ordered by (createdAt, digest) and starting after `after` (a cursor past held ones).
   */
  pruneCandidates(
    orgId: string,
    payloadClass: PayloadClass,
    before: string,
    limit: number,
    after?: { createdAt: string; digest: string },
  ): Promise<Array<{ blob: BlobRecord; refs: BlobRefRecord[] }>>;
  /** Drops the content of these blobs (digest, class and size stay); returns how many. */
  prune(orgId: string, digests: string[], at: string): Promise<number>;
  addHold(hold: HoldRecord): Promise<void>;
  holds(orgId: string, filter?: { active?: boolean }): Promise<HoldRecord[]>;
  /** Releases an active hold; false when it does not exist or was released already. */
  releaseHold(orgId: string, id: string, by: string, at: string): Promise<boolean>;
}
