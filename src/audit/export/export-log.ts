import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditTreeRepository, CheckpointRecord, RawAuditRow } from '../../store/index.js';
import type { AuditEntry } from '../entry.js';
import { toHex } from '../merkle/hashes.js';
import { StoredTree } from '../merkle/stored-tree.js';
import { ocsfEvents, OCSF_VERSION } from './ocsf.js';

/** What to export. */
export interface ExportOptions {
  format: 'jsonl' | 'ocsf';
  /** First seq to export (default 1). */
  since?: number;
  /** Keep streaming new entries and checkpoints until `signal` aborts. */
  follow?: boolean;
  pollMs?: number;
  signal?: AbortSignal;
  /** The verifier key, named in the jsonl header for auditors (who must pin it themselves). */
  verifierKey?: string;
}

const PAGE = 500;
export const EXPORT_FORMAT = 'castellan-audit-export/1';

/**
 * The log as lines. jsonl: a header, every checkpoint (with a consistency proof from the one
 * before), then each entry with its seq, hash and an inclusion proof against the latest
 * checkpoint that covers it (null while none does). ocsf: OCSF events, each naming seq and hash.
 */
export async function* exportLog(
  tree: Pick<AuditTreeRepository, 'rawRange' | 'checkpoints' | 'nodes' | 'nodeRange'>,
  orgId: string,
  options: ExportOptions,
): AsyncGenerator<string> {
  const stored = new StoredTree(tree, orgId);
  let next = Math.max(1, options.since ?? 1);
  let emittedCheckpoint: CheckpointRecord | undefined;
  let emitted = 0;
  if (options.format === 'jsonl') {
    yield line({
      type: 'log',
      format: EXPORT_FORMAT,
      orgId,
      since: next,
      ocsfVersion: OCSF_VERSION,
      verifierKey: options.verifierKey ?? null,
    });
  }
  for (;;) {
    if (aborted(options.signal)) return;
    const checkpoints = await tree.checkpoints(orgId);
    if (options.format === 'jsonl') {
      // Every stored checkpoint goes out, a fork's two of one size included, so a verifier
      // downstream sees what the database holds; consistency runs from the last smaller size.
      for (const checkpoint of checkpoints.slice(emitted)) {
        emitted += 1;
        const from =
          emittedCheckpoint === undefined || emittedCheckpoint.size === checkpoint.size
            ? 0
            : emittedCheckpoint.size;
        if (emittedCheckpoint !== undefined && checkpoint.size < emittedCheckpoint.size) continue;
        const path = from === 0 ? [] : await stored.consistency(from, checkpoint.size);
        yield line({
          type: 'checkpoint',
          size: checkpoint.size,
          root: checkpoint.root,
          note: checkpoint.note,
          consistency: from === 0 ? null : { from, path: path.map(toHex) },
        });
        if (emittedCheckpoint === undefined || checkpoint.size > emittedCheckpoint.size)
          emittedCheckpoint = checkpoint;
      }
    }
    const covering = checkpoints.length === 0 ? undefined : checkpoints[checkpoints.length - 1];
    let sawRows = false;
    for (;;) {
      const rows = await tree.rawRange(orgId, next, PAGE);
      if (rows.length === 0) break;
      sawRows = true;
      yield* entryLines(rows, options.format, stored, covering?.size ?? 0);
      next = rows[rows.length - 1]!.seq + 1;
      if (rows.length < PAGE || aborted(options.signal)) break;
    }
    if (options.follow !== true) return;
    if (!sawRows) {
      try {
        await sleep(options.pollMs ?? 1000, undefined, { signal: options.signal });
      } catch {
        return;
      }
    }
  }
}

async function* entryLines(
  rows: RawAuditRow[],
  format: ExportOptions['format'],
  stored: StoredTree,
  checkpointSize: number,
): AsyncGenerator<string> {
  if (format === 'ocsf') {
    for (const row of rows) {
      for (const event of ocsfEvents(JSON.parse(row.text) as AuditEntry, row.hash))
        yield line(event);
    }
    return;
  }
  const covered = rows.filter((row) => row.seq <= checkpointSize);
  const paths = await stored.inclusions(
    covered.map((row) => row.seq - 1),
    checkpointSize,
  );
  const proofs = new Map(covered.map((row, index) => [row.seq, paths[index]!]));
  for (const row of rows) {
    const path = proofs.get(row.seq);
    // The stored text is spliced in as it is: the exported entry is byte for byte the logged one.
    const proof =
      path === undefined
        ? 'null'
        : JSON.stringify({ size: checkpointSize, index: row.seq - 1, path: path.map(toHex) });
    yield `{"type":"entry","seq":${row.seq},"hash":${JSON.stringify(row.hash)},"prevHash":${JSON.stringify(row.prevHash)},"entry":${row.text},"proof":${proof}}\n`;
  }
}

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
