import type { Clock } from '../core/index.js';
import type { GrantRecord, ScopeRequestRecord, Store } from '../store/index.js';
import { grantFor } from './elevation.js';
import { TokenError } from './errors.js';
import { subsumes } from './scope-sets.js';
import { isGrantableScope } from './scopes.js';

/** An admin's answer to a scope request; approval may narrow the scope or the duration. */
export type ScopeDecision =
  | { decision: 'deny'; reason?: string }
  | { decision: 'approve'; reason?: string; scope?: string; durationSeconds?: number };

/** What deciding did. */
export interface DecidedRequest {
  request: ScopeRequestRecord;
  grant: GrantRecord | undefined;
}

/**
 * Records an admin's decision on a pending scope request. Nobody decides a request they made or
 * one for a run they started; an approval may only narrow the scope or shorten the duration;
 * the grant and the settled request are written in one transaction, so a race between two
 * admins settles once.
 */
export async function decideScopeRequest(
  store: Pick<Store, 'scopeRequests' | 'grants' | 'transaction'>,
  orgId: string,
  requestId: string,
  decider: { id: string },
  answer: ScopeDecision,
  clock: Clock,
): Promise<DecidedRequest> {
  const request = await store.scopeRequests.get(orgId, requestId);
  if (request === undefined) {
    throw new TokenError('request-not-found', `no scope request ${requestId}`);
  }
  if (decider.id === request.requestedBy || decider.id === request.runRequestedBy) {
    throw new TokenError(
      'self-approval',
      `${decider.id} asked for this scope or started its run, and may not decide it`,
    );
  }
  const now = clock.now();
  if (request.status !== 'pending') {
    throw new TokenError(
      'request-settled',
      `scope request ${requestId} is already ${request.status}`,
    );
  }
  if (request.expiresAt <= now.toISOString()) {
    await store.scopeRequests.settle(orgId, requestId, {
      status: 'expired',
      decidedBy: decider.id,
      decidedAt: now.toISOString(),
      decisionReason: 'expired before a decision',
    });
    throw new TokenError('request-settled', `scope request ${requestId} expired undecided`);
  }
  const reason = answer.reason ?? null;
  if (answer.decision === 'deny') {
    await settleOrConflict(store, orgId, requestId, {
      status: 'denied',
      decidedBy: decider.id,
      decidedAt: now.toISOString(),
      decisionReason: reason,
    });
    return {
      request: (await store.scopeRequests.get(orgId, requestId)) ?? request,
      grant: undefined,
    };
  }
  const scope = answer.scope ?? request.scope;
  if (!isGrantableScope(scope) || !subsumes(request.scope, scope)) {
    throw new TokenError('bad-scope', `${scope} is not ${request.scope} or narrower`);
  }
  const seconds = answer.durationSeconds ?? request.durationSeconds;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > request.durationSeconds) {
    throw new TokenError(
      'bad-duration',
      `the duration must be 1 to ${request.durationSeconds} seconds`,
    );
  }
  const grant = grantFor(request, { by: decider.id, scope, seconds, reason }, now);
  await store.transaction(async (inner) => {
    await settleOrConflict(inner, orgId, requestId, {
      status: 'approved',
      decidedBy: decider.id,
      decidedAt: now.toISOString(),
      decisionReason: reason,
      grantedScope: scope,
      grantedSeconds: seconds,
      grantId: grant.id,
    });
    await inner.grants.insert(grant);
  });
  return { request: (await store.scopeRequests.get(orgId, requestId)) ?? request, grant };
}

async function settleOrConflict(
  store: Pick<Store, 'scopeRequests'>,
  orgId: string,
  requestId: string,
  settlement: Parameters<Store['scopeRequests']['settle']>[2],
): Promise<void> {
  if (!(await store.scopeRequests.settle(orgId, requestId, settlement))) {
    throw new TokenError(
      'request-settled',
      `scope request ${requestId} was settled by someone else`,
    );
  }
}
