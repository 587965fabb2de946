import { resolve } from 'node:path';
import {
  AuditError,
  Checkpointer,
  createWitness,
  exportLog,
  fromHex,
  openCheckpoint,
  pruneExpiredPayloads,
  readWitnessFile,
  StoredTree,
  storedEntryLeaf,
  toHex,
  verifyConsistency,
  verifyInclusion,
  verifyLog,
  type AuditEntry,
  type AuditLog,
  type CheckpointOutcome,
  type LogVerification,
  type PruneReport,
} from '../audit/index.js';
import type { CastellanConfig } from '../config/index.js';
import { digestOf, type Clock } from '../core/index.js';
import type { CheckpointRecord, HoldRecord, Store, UserRecord } from '../store/index.js';
import { loadOrCreateAuditKey, type AuditKey } from './audit-keys.js';
import {
  exportOptionsSchema,
  pruneOptionsSchema,
  seqSchema,
  verifyOptionsSchema,
} from './audit-inputs.js';
import { AuditHolds } from './audit-holds.js';
import { permit } from './permit.js';
import { parseInput } from './inputs.js';

/** An entry's inclusion proof against the latest checkpoint, checked before it is handed out. */
export interface InclusionProofView {
  seq: number;
  hash: string;
  leafHash: string;
  entry: AuditEntry;
  checkpoint: { size: number; root: string; note: string };
  proof: { index: number; size: number; path: string[] };
  verifierKey: string;
}

/** A consistency proof between two tree sizes, with the checkpoints stored at those sizes. */
export interface ConsistencyProofView {
  from: { size: number; root: string; note: string | null };
  to: { size: number; root: string; note: string | null };
  path: string[];
  verifierKey: string;
}

/** What the audit service is built from. */
export interface AuditServiceOptions {
  home: string;
  config: CastellanConfig;
  store: Store;
  log: AuditLog;
  clock: Clock;
}

/**
 * The evidence-grade audit log as the application service offers it: verification with a
 * witness copy, proofs, checkpoints, export, retention and legal holds. It owns the
 * checkpointer (its timer and its witnesses) and stops it on close.
 */
export class AuditService {
  /** Legal holds: add, list, release (each change audited). */
  readonly holds: AuditHolds;

  private constructor(
    private readonly options: AuditServiceOptions,
    private readonly key: AuditKey,
    private readonly checkpointer: Checkpointer,
  ) {
    this.holds = new AuditHolds(options.store, options.log, this.orgId, options.clock);
  }

  /** Loads (or creates) the audit key and starts checkpointing the log. */
  static async open(options: AuditServiceOptions): Promise<AuditService> {
    const { config, home, store, log, clock } = options;
    const orgId = config.organisation.id;
    const key = await loadOrCreateAuditKey(home, config.audit.origin ?? `castellan.local/${orgId}`);
    const checkpointer = new Checkpointer({
      store,
      orgId,
      signer: key.signer,
      policy: config.audit.checkpoint,
      witnesses: config.audit.witnesses.map((witness) =>
        createWitness(
          witness.kind === 'file' ? { kind: 'file', path: resolve(home, witness.path) } : witness,
        ),
      ),
      clock,
    });
    checkpointer.attach(log);
    checkpointer.start();
    if (key.created) {
      await log.append({
        type: 'audit-key-created',
        actor: { service: 'castellan' },
        details: { verifierKey: key.verifierKey },
      });
    }
    return new AuditService(options, key, checkpointer);
  }

  /** The verifier key auditors pin (`NAME+KEYID+KEY`). */
  get verifierKey(): string {
    return this.key.verifierKey;
  }

  private get orgId(): string {
    return this.options.config.organisation.id;
  }

  /** Verifies the whole log, and the log against a witness copy when one is named. */
  async verify(
    actor: UserRecord,
    raw: unknown = {},
  ): Promise<LogVerification & { verifierKey: string; checkpointError?: string }> {
    permit(actor, 'audit.verify');
    const input = parseInput(verifyOptionsSchema, raw, 'verify options');
    const witnessNotes = input.witness === undefined ? [] : await readWitnessFile(input.witness);
    const result = await verifyLog({
      tree: this.options.store.auditTree,
      orgId: this.orgId,
      verifier: this.key.verifier,
      witnessNotes,
    });
    const problem = this.checkpointer.lastError;
    return {
      ...result,
      verifierKey: this.key.verifierKey,
      ...(problem === undefined ? {} : { checkpointError: problem }),
    };
  }

  /** The inclusion proof of entry `seq` against the latest checkpoint. */
  async proof(actor: UserRecord, rawSeq: unknown): Promise<InclusionProofView> {
    permit(actor, 'audit.read');
    const seq = parseInput(seqSchema, rawSeq, 'seq');
    const checkpoint = await this.latestCovering(seq);
    const [row] = await this.options.store.auditTree.rawRange(this.orgId, seq, 1);
    if (row === undefined || row.seq !== seq)
      throw new AuditError('out-of-range', `the log holds no entry ${seq}`);
    const leaf = storedEntryLeaf(row.text);
    const path = await this.tree().inclusion(seq - 1, checkpoint.size);
    // Never hand out a proof that does not verify: it would mean the tree or the log changed.
    if (!verifyInclusion(leaf, seq - 1, checkpoint.size, path, this.signedRoot(checkpoint))) {
      throw new AuditError(
        'tree-inconsistent',
        `entry ${seq} does not prove against checkpoint ${checkpoint.size}`,
      );
    }
    return {
      seq,
      hash: row.hash,
      leafHash: toHex(leaf),
      entry: JSON.parse(row.text) as AuditEntry,
      checkpoint: { size: checkpoint.size, root: checkpoint.root, note: checkpoint.note },
      proof: { index: seq - 1, size: checkpoint.size, path: path.map(toHex) },
      verifierKey: this.key.verifierKey,
    };
  }

  /** The consistency proof from the tree of `rawOld` entries to the tree of `rawNew`. */
  async consistency(
    actor: UserRecord,
    rawOld: unknown,
    rawNew: unknown,
  ): Promise<ConsistencyProofView> {
    permit(actor, 'audit.read');
    const first = parseInput(seqSchema, rawOld, 'old size');
    const second = parseInput(seqSchema, rawNew, 'new size');
    if (first > second)
      throw new AuditError('out-of-range', `old size ${first} is larger than new size ${second}`);
    await this.latestCovering(second);
    const checkpoints = await this.options.store.auditTree.checkpoints(this.orgId);
    const tree = this.tree();
    const [firstRoot, secondRoot, path] = await Promise.all([
      tree.root(first),
      tree.root(second),
      tree.consistency(first, second),
    ]);
    const side = (size: number, root: Buffer | Uint8Array) => {
      const stored = checkpoints.find((one) => one.size === size);
      if (stored !== undefined && toHex(this.signedRoot(stored)) !== toHex(root)) {
        throw new AuditError(
          'tree-inconsistent',
          `the tree at ${size} differs from its signed checkpoint`,
        );
      }
      return { size, root: toHex(root), note: stored?.note ?? null };
    };
    const view = {
      from: side(first, firstRoot),
      to: side(second, secondRoot),
      path: path.map(toHex),
      verifierKey: this.key.verifierKey,
    };
    if (!verifyConsistency(first, second, firstRoot, secondRoot, path)) {
      throw new AuditError(
        'tree-inconsistent',
        `the stored tree cannot prove ${second} extends ${first}`,
      );
    }
    return view;
  }

  /** Signs a checkpoint of the whole log now and publishes it to the witnesses. */
  async checkpoint(actor: UserRecord): Promise<CheckpointOutcome | undefined> {
    permit(actor, 'audit.checkpoint');
    await this.options.log.idle();
    return this.checkpointer.checkpoint();
  }

  /** The log as export lines (jsonl with proofs, or OCSF), optionally following new entries. */
  exportLines(actor: UserRecord, raw: unknown, signal?: AbortSignal): AsyncGenerator<string> {
    permit(actor, 'audit.read');
    const input = parseInput(exportOptionsSchema, raw, 'export options');
    return exportLog(this.options.store.auditTree, this.orgId, {
      ...input,
      verifierKey: this.key.verifierKey,
      ...(signal === undefined ? {} : { signal }),
    });
  }

  /**
   * Empties payload blobs past retention that no legal hold covers. The audit entry naming
   * exactly which blobs go is committed first; then only those are emptied.
   */
  async prune(actor: UserRecord, raw: unknown = {}): Promise<PruneReport> {
    permit(actor, 'audit.prune');
    const input = parseInput(pruneOptionsSchema, raw, 'prune options');
    const now = input.now === undefined ? this.options.clock.now() : new Date(input.now);
    const { store, config, log } = this.options;
    const plan = await pruneExpiredPayloads(store, this.orgId, config.audit.retentionDays, now, {
      dryRun: true,
    });
    if (input.dryRun) return plan;
    await log.append({
      type: 'audit-pruned',
      actor: { user: actor.id },
      details: {
        now: plan.now,
        retentionDays: config.audit.retentionDays,
        pruned: plan.pruned,
        held: plan.held,
        blobs: plan.digests.length,
        blobsDigest: digestOf(plan.digests),
      },
    });
    for (let start = 0; start < plan.digests.length; start += 500) {
      await store.auditPayloads.prune(this.orgId, plan.digests.slice(start, start + 500), plan.now);
    }
    return { ...plan, dryRun: false };
  }

  /** Adds a legal hold (audited first); auditor or security-admin only. */
  async addHold(actor: UserRecord, raw: unknown): Promise<HoldRecord> {
    permit(actor, 'audit.hold');
    return this.holds.add(actor, raw);
  }

  /** Legal holds, active ones unless `all`. */
  async listHolds(actor: UserRecord, all = false): Promise<HoldRecord[]> {
    permit(actor, 'audit.read');
    return this.holds.list(all);
  }

  /** Releases a legal hold (audited first); auditor or security-admin only. */
  async releaseHold(actor: UserRecord, raw: unknown): Promise<HoldRecord> {
    permit(actor, 'audit.hold');
    return this.holds.release(actor, raw);
  }

  /** Stops the checkpoint timer and waits for a checkpoint in flight. */
  async close(): Promise<void> {
    await this.options.log.idle();
    await this.checkpointer.close();
  }

  private tree(): StoredTree {
    return new StoredTree(this.options.store.auditTree, this.orgId);
  }

  private async latestCovering(size: number): Promise<CheckpointRecord> {
    const latest = await this.options.store.auditTree.latestCheckpoint(this.orgId);
    if (latest === undefined || latest.size < size) {
      throw new AuditError(
        'not-checkpointed',
        `no checkpoint covers ${size} yet (latest: ${latest?.size ?? 'none'}); a security-admin can run \`castellan audit checkpoint\``,
      );
    }
    return latest;
  }

  private signedRoot(checkpoint: CheckpointRecord): Buffer {
    const opened = openCheckpoint(checkpoint.note, this.key.verifier);
    const root = fromHex(checkpoint.root);
    if (
      !opened.signed ||
      opened.size !== checkpoint.size ||
      root === undefined ||
      opened.rootHex !== checkpoint.root
    ) {
      throw new AuditError(
        'tree-inconsistent',
        `checkpoint ${checkpoint.size} is not validly signed`,
      );
    }
    return root;
  }
}
