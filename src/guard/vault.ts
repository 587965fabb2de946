import type { Store } from '../store/index.js';
import { isDataClass } from './data-classes.js';
import { PlaceholderAllocator, type VaultEntry } from './placeholders.js';

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
    return new RunVault(store, orgId, runId, entries);
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
  }
}
