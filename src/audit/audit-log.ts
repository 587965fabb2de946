import { canonicalJson, describeError, systemClock, type Clock } from '../core/index.js';
import type { Store } from '../store/index.js';
import { GENESIS_HASH, type AuditEntry, type AuditEvent } from './entry.js';
import { AuditError } from './errors.js';
import { entryDigests } from './merkle/entry-digests.mjs';
import type { Hash } from './merkle/hashes.js';
import { appendToTree } from './merkle/tree-sync.js';
import { blobRows, prepareEvent, type PreparedEvent } from './payloads.js';

export { AuditError } from './errors.js';
export type { AuditErrorCode } from './errors.js';

/** How appends are grouped; the defaults suit both the CLI and a busy server. */
export interface AuditLogOptions {
  /** At most this many entries share one transaction (group commit). */
  maxBatch?: number;
}

interface Pending {
  prepared: PreparedEvent;
  resolve: (entry: AuditEntry) => void;
  reject: (error: AuditError) => void;
}

/**
 * The append side of the audit log for one organisation. Appends that arrive while a commit is
 * in flight wait and commit together in the next transaction (group commit): one total order,
 * one durable commit for many entries, and no caller hears "appended" before its commit. Each
 * transaction also extends the Merkle tree and stores the entries' payload blobs, so the tree
 * always covers exactly the committed entries.
 */
export class AuditLog {
  private readonly queue: Pending[] = [];
  private draining: Promise<void> | undefined;
  private readonly listeners = new Set<(size: number) => void>();
  private readonly maxBatch: number;
  // The tree's right edge after our last commit, so the next one need not read it back.
  private frontier: { size: number; nodes: Map<string, Hash> } | undefined;
  private pendingFrontier: { size: number; nodes: Map<string, Hash> } | undefined;

  constructor(
    private readonly store: Pick<Store, 'transaction'>,
    readonly orgId: string,
    private readonly clock: Clock = systemClock,
    options: AuditLogOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 256);
  }

  /**
   * Appends one event and returns the stored entry. Throws AuditError when the entry cannot be
   * written: callers must treat that as "the action does not happen".
   */
  append(event: AuditEvent): Promise<AuditEntry> {
    let prepared: PreparedEvent;
    try {
      prepared = prepareEvent(event);
    } catch (error) {
      return Promise.reject(
        new AuditError('append-failed', `audit entry unrecordable: ${describeError(error)}`, error),
      );
    }
    return new Promise<AuditEntry>((resolve, reject) => {
      this.queue.push({ prepared, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Calls `listener` with the log's size after every commit; returns the unsubscribe. */
  onCommitted(listener: (size: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every append made so far has committed or failed. */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        // One turn of the microtask queue lets appends made in the same turn join this batch:
        // the writers the previous commit woke, or a burst that started the drain.
        await Promise.resolve();
        if (this.queue.length === 0) break;
        const batch = this.queue.splice(0, this.maxBatch);
        let entries: AuditEntry[];
        this.pendingFrontier = undefined;
        try {
          entries = await this.commit(batch);
          // Only a committed transaction's frontier is true; a rolled-back one is forgotten.
          this.frontier = this.pendingFrontier;
        } catch (error) {
          this.frontier = undefined;
          const failure = new AuditError(
            'append-failed',
            `audit log unwritable: ${describeError(error)}`,
            error,
          );
          for (const pending of batch) pending.reject(failure);
          continue;
        }
        batch.forEach((pending, index) => pending.resolve(entries[index]!));
        const size = entries[entries.length - 1]!.seq;
        for (const listener of this.listeners) {
          try {
            listener(size);
          } catch {
            // A listener (the checkpointer) never turns a committed append into a failure.
          }
        }
      }
    } finally {
      this.draining = undefined;
    }
  }

  private async commit(batch: Pending[]): Promise<AuditEntry[]> {
    return this.store.transaction(async (transaction) => {
      await transaction.auditTree.actAsWriter();
      const built: Array<{ entry: AuditEntry; leaf: Hash }> = [];
      // One tail read and batched inserts for the whole batch, under the store's append lock.
      await transaction.audit.appendMany(this.orgId, (tail) => {
        let seq = tail?.seq ?? 0;
        let prevHash = tail?.hash ?? GENESIS_HASH;
        const time = this.clock.now().toISOString();
        return batch.map(({ prepared }) => {
          seq += 1;
          const entry: AuditEntry = { ...prepared.fields, seq, time, orgId: this.orgId, prevHash };
          const text = canonicalJson(entry);
          const { hash, leaf } = entryDigests(text);
          built.push({ entry, leaf });
          const row = {
            orgId: this.orgId,
            seq,
            entry: entry as unknown as Record<string, unknown>,
            prevHash,
            hash,
            text,
          };
          prevHash = hash;
          return row;
        });
      });
      const entries = built.map(({ entry }) => entry);
      const first = entries[0]!.seq - 1;
      // Our own last commit left the frontier in memory; it is current exactly when nobody
      // (another process) appended since, which the tail we chained from tells us.
      const cached = this.frontier?.size === first ? this.frontier.nodes : undefined;
      const frontier = await appendToTree(
        transaction.auditTree,
        this.orgId,
        first,
        built.map(({ leaf }) => leaf),
        cached,
      );
      const blobs = batch.flatMap(({ prepared }, index) =>
        prepared.blobs.length === 0 ? [] : [blobRows(entries[index]!, prepared.blobs)],
      );
      if (blobs.length > 0) {
        await transaction.auditPayloads.insertBlobs(blobs.flatMap((rows) => rows.blobs));
        await transaction.auditPayloads.insertRefs(blobs.flatMap((rows) => rows.refs));
      }
      this.pendingFrontier = { size: first + entries.length, nodes: frontier };
      return entries;
    });
  }
}
