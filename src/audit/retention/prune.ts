import type { HoldRecord, PayloadClass, Store } from '../../store/index.js';
import { holdCovers } from './holds.js';

/** Days to keep each payload class; null keeps it for ever. Entries are never pruned. */
export type RetentionDays = Record<PayloadClass, number | null>;

/** What a prune run did (or, with dryRun, would do). */
export interface PruneReport {
  dryRun: boolean;
  now: string;
  pruned: Record<PayloadClass, number>;
  /** Blobs past retention kept because a legal hold covers an entry that references them. */
  held: number;
  digests: string[];
}

const CLASSES: PayloadClass[] = ['prompt', 'state', 'input', 'result'];
const PAGE = 500;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Empties payload blobs past their class's retention unless an active legal hold covers any
 * entry referencing them. Only blob content goes: entries, hashes, tree nodes and checkpoints
 * stay, so the log verifies exactly as before (the database refuses anything else).
 */
export async function pruneExpiredPayloads(
  store: Pick<Store, 'auditPayloads'>,
  orgId: string,
  retention: RetentionDays,
  now: Date,
  options: { dryRun?: boolean; holds?: HoldRecord[] } = {},
): Promise<PruneReport> {
  const holds = options.holds ?? (await store.auditPayloads.holds(orgId, { active: true }));
  const report: PruneReport = {
    dryRun: options.dryRun === true,
    now: now.toISOString(),
    pruned: { prompt: 0, state: 0, input: 0, result: 0 },
    held: 0,
    digests: [],
  };
  for (const payloadClass of CLASSES) {
    const days = retention[payloadClass];
    if (days === null) continue;
    const before = new Date(now.getTime() - days * DAY_MS).toISOString();
    let after: { createdAt: string; digest: string } | undefined;
    for (;;) {
      const page = await store.auditPayloads.pruneCandidates(
        orgId,
        payloadClass,
        before,
        PAGE,
        after,
      );
      if (page.length === 0) break;
      const last = page[page.length - 1]!.blob;
      after = { createdAt: last.createdAt, digest: last.digest };
      const expired: string[] = [];
      for (const { blob, refs } of page) {
        if (refs.some((ref) => holds.some((hold) => holdCovers(hold, ref)))) report.held += 1;
        else expired.push(blob.digest);
      }
      const count = report.dryRun
        ? expired.length
        : await store.auditPayloads.prune(orgId, expired, report.now);
      report.pruned[payloadClass] += count;
      report.digests.push(...expired);
      if (page.length < PAGE) break;
    }
  }
  return report;
}
