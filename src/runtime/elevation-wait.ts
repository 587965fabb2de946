import type { Clock } from '../core/index.js';
import type { RunRecord, StepRecord, Store } from '../store/index.js';

/** Where a run waiting for a just-in-time scope stands. */
export type ElevationWait =
  { kind: 'wait' } | { kind: 'end'; reason: string } | { kind: 'retry'; requestId: string };

/** True when a step waits for a scope request rather than an approval. */
export function waitsForElevation(step: StepRecord): boolean {
  return (step.decision as { effect?: unknown } | null)?.effect === 'needs-elevation';
}

/**
 * Reads the scope request a step waits for. Approved: the call goes through the gate again with
 * a freshly exchanged token. Denied or expired (a pending request past its expiry is marked so
 * here): the run ends. Pending: it keeps waiting, holding nothing in memory.
 */
export async function elevationState(
  store: Pick<Store, 'scopeRequests'>,
  run: RunRecord,
  step: StepRecord,
  clock: Clock,
): Promise<ElevationWait> {
  const requestId = (step.decision as { requestId?: unknown } | null)?.requestId;
  const request =
    typeof requestId === 'string' ? await store.scopeRequests.get(run.orgId, requestId) : undefined;
  if (request === undefined || request.runId !== run.id) {
    return {
      kind: 'end',
      reason: `step ${step.index} waits for a scope request that does not exist`,
    };
  }
  const now = clock.now().toISOString();
  if (request.status === 'pending' && now >= request.expiresAt) {
    await store.scopeRequests.settle(run.orgId, request.id, {
      status: 'expired',
      decidedBy: 'castellan',
      decidedAt: now,
      decisionReason: 'no decision before the request expired',
    });
    return {
      kind: 'end',
      reason: `scope request ${request.id} for ${request.scope} expired undecided`,
    };
  }
  switch (request.status) {
    case 'pending':
      return { kind: 'wait' };
    case 'approved':
      return { kind: 'retry', requestId: request.id };
    case 'denied':
      return {
        kind: 'end',
        reason: `scope request ${request.id} for ${request.scope} was denied by ${request.decidedBy ?? 'an admin'}${request.decisionReason ? `: ${request.decisionReason}` : ''}`,
      };
    default:
      return {
        kind: 'end',
        reason: `scope request ${request.id} for ${request.scope} ${request.status}`,
      };
  }
}
