import type { CastellanConfig } from '../config/index.js';
import { newId, type Clock } from '../core/index.js';
import type { GrantRecord, ScopeRequestRecord, Store } from '../store/index.js';
import { delegablePatterns } from './delegation.js';
import { TokenError } from './errors.js';
import { patternsAllow } from './scope-sets.js';
import { isGrantableScope } from './scopes.js';

/** What the gate learns when a run lacks a scope. */
export type ElevationVerdict =
  | { kind: 'not-elevatable'; reason: string }
  | { kind: 'pending'; request: ScopeRequestRecord; created: boolean }
  | { kind: 'denied'; request: ScopeRequestRecord };

/** A run that lacks one scope for one step, as the gate sees it. */
export interface RunScopeNeed {
  orgId: string;
  run: { id: string; requestedBy: string };
  agent: { id: string; environment: string };
  user: { roles: readonly string[]; disabled: boolean };
  stepIndex: number;
  scope: string;
  resource: string | null;
  reason: string;
}

/** What elevation reads and writes, and its settings. */
export interface ElevationDependencies {
  store: Pick<Store, 'scopeRequests' | 'grants'>;
  jit: CastellanConfig['identity']['jit'];
  delegation: Readonly<Record<string, readonly string[]>>;
  /** How long a request waits for a decision before it expires. */
  requestExpirySeconds: number;
  clock: Clock;
}

/**
 * Just-in-time elevation: when a run needs a scope it does not hold, a scope request records
 * which scope, for which resource, why, for which run and for how long; the run waits until an
 * admin decides (see decideScopeRequest). Only scopes the settings name as elevatable, and that
 * the run's user may delegate, are ever asked for; anything else stays a plain denial.
 */
export class ScopeElevation {
  constructor(private readonly dependencies: ElevationDependencies) {}

  /** Finds the open request for this run, step and scope, or creates it. */
  async forRun(need: RunScopeNeed): Promise<ElevationVerdict> {
    const { jit, delegation, store, clock } = this.dependencies;
    if (!patternsAllow(jit.scopes, need.scope)) {
      return { kind: 'not-elevatable', reason: `${need.scope} is not a just-in-time scope` };
    }
    if (!patternsAllow(delegablePatterns(delegation, need.user), need.scope)) {
      return {
        kind: 'not-elevatable',
        reason: `${need.run.requestedBy} may not delegate ${need.scope}`,
      };
    }
    const now = clock.now();
    const earlier = (await store.scopeRequests.list(need.orgId, { runId: need.run.id })).filter(
      (request) => request.stepIndex === need.stepIndex && request.scope === need.scope,
    );
    const open = earlier.find((request) => request.status === 'pending');
    if (open !== undefined && open.expiresAt > now.toISOString()) {
      return { kind: 'pending', request: open, created: false };
    }
    const denied = earlier.find((request) => request.status === 'denied');
    if (denied !== undefined) return { kind: 'denied', request: denied };
    const request: ScopeRequestRecord = {
      orgId: need.orgId,
      id: newId('scr'),
      kind: 'jit',
      agentId: need.agent.id,
      environment: need.agent.environment,
      runId: need.run.id,
      stepIndex: need.stepIndex,
      scope: need.scope,
      resource: need.resource,
      reason: need.reason.slice(0, 2000),
      durationSeconds: Math.min(jit.defaultSeconds, jit.maxSeconds),
      requestedBy: need.run.requestedBy,
      runRequestedBy: need.run.requestedBy,
      status: 'pending',
      createdAt: now.toISOString(),
      expiresAt: new Date(
        now.getTime() + this.dependencies.requestExpirySeconds * 1000,
      ).toISOString(),
      decidedBy: null,
      decidedAt: null,
      decisionReason: null,
      grantedScope: null,
      grantedSeconds: null,
      grantId: null,
    };
    await store.scopeRequests.insert(request);
    return { kind: 'pending', request, created: true };
  }
}

/** Checks that a scope may be asked for by people at all (CLI and HTTP requests). */
export function checkRequestableScope(scope: string): void {
  if (!isGrantableScope(scope)) throw new TokenError('bad-scope', `malformed scope "${scope}"`);
}

/** The grant a decision creates. */
export function grantFor(
  request: ScopeRequestRecord,
  decision: { by: string; scope: string; seconds: number; reason: string | null },
  now: Date,
): GrantRecord {
  return {
    orgId: request.orgId,
    id: newId('grt'),
    kind: request.kind,
    agentId: request.agentId,
    environment: request.environment,
    scopes: [decision.scope],
    runId: request.kind === 'jit' ? request.runId : null,
    requestId: request.id,
    reason: decision.reason ?? request.reason,
    requestedBy: request.requestedBy,
    approvedBy: decision.by,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + decision.seconds * 1000).toISOString(),
    revokedAt: null,
    revokedBy: null,
  };
}
