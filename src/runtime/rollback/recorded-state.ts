import type { AuditRow, Store } from '../../store/index.js';

/** The pre- and post-state the gate recorded around one successful call. */
export interface RecordedStates {
  /** The audit entry of the call's outcome. */
  seq: number;
  tool: string;
  pre: unknown;
  post: unknown;
}

/**
 * Reads a recorded state from an outcome entry: inline (`details.preState`) in older entries,
 * or a content-addressed blob the entry binds by digest (`payloads.preState`). A pruned blob, or
 * a missing one, is `{ unobservable: ... }`: nothing can be restored from it.
 */
export async function recordedState(
  store: Store,
  orgId: string,
  row: AuditRow,
  name: 'preState' | 'postState',
): Promise<unknown> {
  const inline = (row.entry.details as Record<string, unknown> | undefined)?.[name];
  if (inline !== undefined) return inline;
  const reference = (row.entry.payloads as Record<string, { digest?: unknown }> | undefined)?.[
    name
  ];
  if (typeof reference?.digest !== 'string') {
    return { unobservable: `entry ${row.seq} recorded no ${name}` };
  }
  const blob = await store.auditPayloads.getBlob(orgId, reference.digest);
  if (blob?.content === null || blob?.content === undefined) {
    return { unobservable: `the ${name} of entry ${row.seq} is no longer kept (pruned)` };
  }
  return JSON.parse(blob.content) as unknown;
}

/** The recorded states of every step of a run that succeeded, by step index (the last attempt). */
export async function successfulCalls(
  store: Store,
  orgId: string,
  runId: string,
): Promise<Map<number, RecordedStates>> {
  const calls = new Map<number, RecordedStates>();
  for (const row of await store.audit.forRun(orgId, runId)) {
    if (row.entry.type !== 'tool-call-succeeded' || typeof row.entry.stepIndex !== 'number')
      continue;
    calls.set(row.entry.stepIndex, {
      seq: row.seq,
      tool: String(row.entry.tool ?? ''),
      pre: await recordedState(store, orgId, row, 'preState'),
      post: await recordedState(store, orgId, row, 'postState'),
    });
  }
  return calls;
}
