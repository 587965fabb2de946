import { describeError, systemClock, type Clock } from '../../core/index.js';
import type { CheckpointRecord, Store } from '../../store/index.js';
import type { AuditLog } from '../audit-log.js';
import { AuditError } from '../errors.js';
import { sameHash, toHex } from '../merkle/hashes.js';
import { StoredTree } from '../merkle/stored-tree.js';
import { openCheckpoint, signCheckpoint } from './checkpoint-note.js';
import { keyIdOf, type NoteSigner, type NoteVerifier } from './note.js';
import type { WitnessPublisher } from './witness.js';

/** When to sign: after this many new entries, or this many seconds with any new entry. */
export interface CheckpointPolicy {
  everyEntries: number;
  everySeconds: number;
}

/** What one checkpoint attempt did. */
export interface CheckpointOutcome {
  checkpoint: CheckpointRecord;
  created: boolean;
  published: Array<{ witness: string; ok: boolean; error?: string }>;
}

/** What the checkpointer works with. */
export interface CheckpointerDependencies {
  store: Pick<Store, 'auditTree' | 'transaction'>;
  orgId: string;
  signer: NoteSigner;
  policy: CheckpointPolicy;
  witnesses?: WitnessPublisher[];
  clock?: Clock;
}

/**
 * Signs the tree's size and root as a C2SP checkpoint every N entries or T seconds, stores it
 * and publishes it to the witnesses. It never signs a tree that contradicts the last signed
 * checkpoint, and a failure here never fails an append (the entries are committed; only the
 * next checkpoint is late): the error is kept in `lastError` and the next attempt retries.
 */
export class Checkpointer {
  private queue: Promise<unknown> = Promise.resolve();
  private scheduled = false;
  private knownSize = -1;
  private timer: NodeJS.Timeout | undefined;
  private readonly clock: Clock;
  private readonly verifier: NoteVerifier;
  /** Why the last attempt failed, if it did. */
  lastError: string | undefined;

  constructor(private readonly dependencies: CheckpointerDependencies) {
    this.clock = dependencies.clock ?? systemClock;
    const { name, publicKey } = dependencies.signer;
    this.verifier = { name, publicKey, keyId: keyIdOf(name, publicKey) };
  }

  /** Checkpoints after commits of `log` once N entries have accumulated. */
  attach(log: AuditLog): () => void {
    return log.onCommitted((size) => {
      if (this.scheduled) return;
      if (this.knownSize >= 0 && size - this.knownSize < this.dependencies.policy.everyEntries)
        return;
      this.scheduled = true;
      void this.run(async () => {
        this.scheduled = false;
        const latest = await this.dependencies.store.auditTree.latestCheckpoint(this.orgId);
        this.knownSize = latest?.size ?? 0;
        if (size - this.knownSize >= this.dependencies.policy.everyEntries) await this.create();
      });
    });
  }

  /** Starts the T-seconds timer (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      void this.run(() => this.createIfStale());
    }, this.dependencies.policy.everySeconds * 1000);
    this.timer.unref();
  }

  /** Signs a checkpoint of the whole log now (unless the latest already covers it). */
  async checkpoint(): Promise<CheckpointOutcome | undefined> {
    return this.run(() => this.create(), true);
  }

  /** Stops the timer and waits for the attempt in flight. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.queue.catch(() => undefined);
  }

  private get orgId(): string {
    return this.dependencies.orgId;
  }

  // One attempt at a time; background attempts keep their error instead of throwing it.
  private run<T>(work: () => Promise<T>, rethrow = false): Promise<T | undefined> {
    const next = this.queue.then(() => {
      this.lastError = undefined;
      return work();
    });
    const settled = next.then(
      (value) => value,
      (error: unknown) => {
        this.lastError = describeError(error);
        if (rethrow) throw error;
        return undefined;
      },
    );
    this.queue = settled.catch(() => undefined);
    return settled;
  }

  private async createIfStale(): Promise<CheckpointOutcome | undefined> {
    const latest = await this.dependencies.store.auditTree.latestCheckpoint(this.orgId);
    const age =
      latest === undefined ? Infinity : this.clock.now().getTime() - Date.parse(latest.createdAt);
    if (age < this.dependencies.policy.everySeconds * 1000) return undefined;
    return this.create();
  }

  private async create(): Promise<CheckpointOutcome | undefined> {
    const { store, signer } = this.dependencies;
    const size = await store.auditTree.leafCount(this.orgId);
    const latest = await store.auditTree.latestCheckpoint(this.orgId);
    if (size === 0) return undefined;
    if (latest !== undefined && latest.size >= size) {
      this.knownSize = latest.size;
      return { checkpoint: latest, created: false, published: [] };
    }
    const tree = new StoredTree(store.auditTree, this.orgId);
    if (latest !== undefined) await this.assertExtends(tree, latest);
    const root = await tree.root(size);
    const note = await signCheckpoint({ origin: signer.name, size, root }, signer);
    const record: CheckpointRecord = {
      orgId: this.orgId,
      size,
      root: toHex(root),
      note,
      createdAt: this.clock.now().toISOString(),
    };
    const inserted = await store.transaction(async (transaction) => {
      await transaction.auditTree.actAsWriter();
      return transaction.auditTree.insertCheckpoint(record);
    });
    this.knownSize = size;
    if (inserted === 'exists') {
      const same = (await store.auditTree.checkpoints(this.orgId)).filter(
        (one) => one.size === size,
      );
      if (same.some((one) => one.root !== record.root)) {
        throw new AuditError(
          'tree-inconsistent',
          `a different checkpoint of size ${size} exists (a fork)`,
        );
      }
      return { checkpoint: same[0] ?? record, created: false, published: [] };
    }
    return { checkpoint: record, created: true, published: await this.publish(record) };
  }

  // Never sign over a tree that no longer matches what was signed before.
  private async assertExtends(tree: StoredTree, latest: CheckpointRecord): Promise<void> {
    let opened;
    try {
      opened = openCheckpoint(latest.note, this.verifier);
    } catch (error) {
      throw new AuditError(
        'tree-inconsistent',
        `the latest checkpoint is unreadable: ${describeError(error)}`,
      );
    }
    const current = await tree.root(latest.size);
    if (!opened.signed || opened.size !== latest.size || !sameHash(opened.root, current)) {
      throw new AuditError(
        'tree-inconsistent',
        `the tree at size ${latest.size} does not match the signed checkpoint: refusing to sign`,
      );
    }
  }

  private async publish(record: CheckpointRecord): Promise<CheckpointOutcome['published']> {
    const witnesses = this.dependencies.witnesses ?? [];
    const results = await Promise.allSettled(witnesses.map((witness) => witness.publish(record)));
    const published = results.map((result, index) => ({
      witness: witnesses[index]!.description,
      ok: result.status === 'fulfilled',
      ...(result.status === 'rejected' ? { error: describeError(result.reason) } : {}),
    }));
    const failed = published.filter((one) => !one.ok);
    if (failed.length > 0) {
      this.lastError = failed.map((one) => `${one.witness}: ${one.error ?? ''}`).join('; ');
    }
    return published;
  }
}
