import type { Store } from '../store/index.js';
import { isDataClass } from './data-classes.js';
import { PlaceholderAllocator, type VaultEntry } from './placeholders.js';

/** A placeholder without the value it stands for: what may be remembered in memory. */
type KnownPlaceholder = Omit<VaultEntry, 'value'>;

// Placeholders this process has read from or written to a run's vault, by value digest, per
// store: vault rows are only ever added, never changed or removed, so a placeholder once known
// stays right, and a result whose values all have one needs no read of the vault to be
// redacted. Values are not kept. Bounded per store (runs) and per run (entries).
const known = new WeakMap<Store, Map<string, Map<string, KnownPlaceholder>>>();
const KNOWN_RUNS = 256;
const KNOWN_PER_RUN = 256;

function remember(store: Store, orgId: string, runId: string, entries: readonly VaultEntry[]) {
  let runs = known.get(store);
  if (runs === undefined) {
    runs = new Map();
    known.set(store, runs);
  }
  const key = `${orgId}\u0000${runId}`;
  let run = runs.get(key);
  if (run === undefined) {
    if (runs.size >= KNOWN_RUNS) runs.delete(runs.keys().next().value ?? '');
    run = new Map();
    runs.set(key, run);
  }
  for (const { placeholder, dataClass, digest } of entries) {
    if (run.size >= KNOWN_PER_RUN) return;
    run.set(digest, { placeholder, dataClass, digest });
  }
}

/**
 * The per-run redaction vault in the store: what each placeholder stands for. The model sees
 * only placeholders; the audit log sees only placeholders and digests; a trusted step restores
 * the value from here.
 */
export class RunVault {
  private constructor(
    private readonly store: Store,
    private readonly orgId: string,
    private readonly runId: string,
    readonly entries: readonly VaultEntry[],
  ) {}

  /** Loads a run's vault. */
  static async open(store: Store, orgId: string, runId: string): Promise<RunVault> {
    const rows = await store.guardVault.forRun(orgId, runId);
    const entries = rows.flatMap((row) =>
      isDataClass(row.dataClass)
        ? [
            {
              placeholder: row.placeholder,
              dataClass: row.dataClass,
              value: row.value,
              digest: row.digest,
            },
          ]
        : [],
    );
    remember(store, orgId, runId, entries);
    return new RunVault(store, orgId, runId, entries);
  }

  /**
   * An allocator that knows the placeholders of all of `digests` without reading the vault,
   * when this process has seen each of them in this run's vault; undefined otherwise. It can
   * only give out those placeholders: numbering a new value needs the vault (open()).
   */
  static knownAllocator(
    store: Store,
    orgId: string,
    runId: string,
    digests: readonly string[],
  ): PlaceholderAllocator | undefined {
    const run = known.get(store)?.get(`${orgId}\u0000${runId}`);
    if (run === undefined) return undefined;
    const entries: VaultEntry[] = [];
    for (const digest of digests) {
      const entry = run.get(digest);
      if (entry === undefined) return undefined;
      entries.push({ ...entry, value: '' });
    }
    return new PlaceholderAllocator(entries);
  }

  /** An allocator that continues this run's numbering. */
  allocator(): PlaceholderAllocator {
    return new PlaceholderAllocator(this.entries);
  }

  /** Stores what an allocator handed out; throws (StoreError) if it cannot. */
  async save(allocator: PlaceholderAllocator, at: string): Promise<void> {
    await this.store.guardVault.insert(
      allocator.added.map((entry) => ({
        orgId: this.orgId,
        runId: this.runId,
        placeholder: entry.placeholder,
        dataClass: entry.dataClass,
        value: entry.value,
        digest: entry.digest,
        createdAt: at,
      })),
    );
    remember(this.store, this.orgId, this.runId, allocator.added);
  }
}
