import type { RunRecord, Store } from '../store/index.js';

/**
 * What happened to a step whose outcome was never stored (the process died mid-step), read from
 * the audit log, which is written before and after every action: 'nothing-ran' when no intent
 * was committed, otherwise a sentence saying why the step must not simply be run again.
 */
export async function findInterruption(
  store: Store,
  run: RunRecord,
  stepIndex: number,
): Promise<'nothing-ran' | string> {
  const entries = (await store.audit.forRun(run.orgId, run.id)).filter(
    (row) => row.entry.stepIndex === stepIndex,
  );
  const types = entries.map((row) => row.entry.type as string);
  const allowedAt = types.lastIndexOf('tool-call-allowed');
  if (allowedAt === -1) return 'nothing-ran';
  const after = types.slice(allowedAt + 1);
  if (after.includes('tool-call-succeeded') || after.includes('tool-call-failed')) {
    return 'the call finished but its result was lost before it was stored';
  }
  return 'the call was allowed and started, and no outcome was recorded (it may or may not have taken effect)';
}
