import { newId } from '../core/index.js';
import type {
  GrantRecord,
  RunRecord,
  ScopeRequestRecord,
  ScopeRequestStatus,
  UserRecord,
} from '../store/index.js';
import {
  checkRequestableScope,
  decideScopeRequest,
  delegablePatterns,
  patternsAllow,
  revokeGrant,
  TokenError,
} from '../tokens/index.js';
import type { AccessContext } from './access-context.js';
import {
  DEFAULT_STANDING_GRANT_SECONDS,
  revokeSchema,
  scopeDecisionSchema,
  scopeRequestSchema,
} from './access-inputs.js';
import { ApiError } from './errors.js';
import { parseInput } from './inputs.js';

/** What deciding a scope request did, with the run it let go on. */
export interface ScopeDecisionView {
  request: ScopeRequestRecord;
  grant: GrantRecord | undefined;
  run: RunRecord | undefined;
}

/**
 * Standing grants and just-in-time scope requests: people (or the gate, for a run) ask; an
 * admin who neither asked nor started the run approves, optionally narrowing the scope or the
 * time, or denies; an approval for a waiting run lets it go on with a re-exchanged token.
 */
export class GrantService {
  constructor(private readonly context: AccessContext) {}

  /** Grants, newest first; `active` keeps those neither expired nor revoked. */
  async listGrants(
    actor: UserRecord,
    filter: { agent?: string; run?: string; active?: boolean } = {},
  ): Promise<GrantRecord[]> {
    this.context.permit(actor, 'grant.read');
    return this.context.store.grants.list(this.context.orgId, {
      ...(filter.agent === undefined ? {} : { agentId: filter.agent }),
      ...(filter.run === undefined ? {} : { runId: filter.run }),
      ...(filter.active === true ? { activeAt: this.context.clock.now().toISOString() } : {}),
    });
  }

  /** Scope requests, newest first. */
  async listRequests(
    actor: UserRecord,
    filter: { status?: ScopeRequestStatus[]; run?: string } = {},
  ): Promise<ScopeRequestRecord[]> {
    this.context.permit(actor, 'grant.read');
    return this.context.store.scopeRequests.list(this.context.orgId, {
      ...(filter.status === undefined ? {} : { status: filter.status }),
      ...(filter.run === undefined ? {} : { runId: filter.run }),
    });
  }

  /** Asks for a standing grant for an agent, or a just-in-time one for a run. */
  async request(actor: UserRecord, raw: unknown): Promise<ScopeRequestRecord> {
    this.context.permit(actor, 'grant.request');
    const input = parseInput(scopeRequestSchema, raw, 'scope request');
    const { store, orgId, clock, config, audit } = this.context;
    try {
      checkRequestableScope(input.scope);
    } catch (error) {
      throw asBadInput(error);
    }
    const run = input.run === undefined ? undefined : await store.runs.get(orgId, input.run);
    if (input.run !== undefined && run === undefined)
      throw new ApiError('not-found', `no run ${input.run}`);
    const agentId = input.agent ?? run?.agentId ?? '';
    if (run !== undefined && run.agentId !== agentId) {
      throw new ApiError('bad-input', `run ${run.id} is driven by ${run.agentId}, not ${agentId}`);
    }
    const agent = await store.agents.get(orgId, agentId);
    if (agent === undefined) throw new ApiError('unknown-agent', `no agent "${agentId}"`);
    const jit = config.identity.jit;
    if (run !== undefined) await this.checkElevatable(run, input.scope);
    const maximum = run === undefined ? Number.POSITIVE_INFINITY : jit.maxSeconds;
    const durationSeconds = Math.min(
      input.durationSeconds ??
        (run === undefined ? DEFAULT_STANDING_GRANT_SECONDS : jit.defaultSeconds),
      maximum,
    );
    const now = clock.now();
    const request: ScopeRequestRecord = {
      orgId,
      id: newId('scr'),
      kind: run === undefined ? 'standing' : 'jit',
      agentId,
      environment: input.environment ?? agent.environment,
      runId: run?.id ?? null,
      stepIndex: null,
      scope: input.scope,
      resource: input.resource ?? null,
      reason: input.reason,
      durationSeconds,
      requestedBy: actor.id,
      runRequestedBy: run?.requestedBy ?? null,
      status: 'pending',
      createdAt: now.toISOString(),
      expiresAt: new Date(
        now.getTime() + config.approvals.expiresAfterSeconds * 1000,
      ).toISOString(),
      decidedBy: null,
      decidedAt: null,
      decisionReason: null,
      grantedScope: null,
      grantedSeconds: null,
      grantId: null,
    };
    await audit.append({
      type: 'scope-requested',
      ...(run === undefined ? {} : { runId: run.id }),
      actor: { user: actor.id, agent: agentId },
      details: {
        requestId: request.id,
        kind: request.kind,
        scope: request.scope,
        resource: request.resource,
        durationSeconds,
        reason: request.reason,
      },
    });
    await store.scopeRequests.insert(request);
    return request;
  }

  /** An admin's decision; an approval for a waiting run resumes it. */
  async decide(
    actor: UserRecord,
    requestId: string,
    raw: unknown,
    mode: 'until-rest' | 'background' = 'until-rest',
  ): Promise<ScopeDecisionView> {
    this.context.permit(actor, 'grant.decide');
    const input = parseInput(scopeDecisionSchema, raw, 'decision');
    const { store, orgId, clock, audit } = this.context;
    const answer =
      input.decision === 'deny'
        ? {
            decision: 'deny' as const,
            ...(input.reason === undefined ? {} : { reason: input.reason }),
          }
        : {
            decision: 'approve' as const,
            ...(input.reason === undefined ? {} : { reason: input.reason }),
            ...(input.scope === undefined ? {} : { scope: input.scope }),
            ...(input.durationSeconds === undefined
              ? {}
              : { durationSeconds: input.durationSeconds }),
          };
    const decided = await decideScopeRequest(store, orgId, requestId, actor, answer, clock);
    const { request, grant } = decided;
    await audit.append({
      type: grant === undefined ? 'scope-denied' : 'scope-granted',
      ...(request.runId === null ? {} : { runId: request.runId }),
      actor: { user: actor.id, agent: request.agentId },
      approver: actor.id,
      details: {
        requestId,
        scope: request.scope,
        grantedScope: request.grantedScope,
        grantedSeconds: request.grantedSeconds,
        grantId: grant?.id ?? null,
        expiresAt: grant?.expiresAt ?? null,
        reason: input.reason ?? null,
      },
    });
    // A run waits only on requests the gate made for one of its steps; deny or approve, it moves.
    const run =
      request.runId !== null && request.stepIndex !== null
        ? await this.context.resume(request.runId, mode)
        : undefined;
    return { request, grant, run };
  }

  /** Revokes a grant and every unexpired token that carries a scope from it. */
  async revoke(actor: UserRecord, grantId: string, raw: unknown): Promise<GrantRecord> {
    this.context.permit(actor, 'grant.revoke');
    const { reason } = parseInput(revokeSchema, raw, 'revocation');
    const { store, orgId, clock, audit } = this.context;
    const grant = await store.grants.get(orgId, grantId);
    if (grant === undefined) throw new ApiError('not-found', `no grant ${grantId}`);
    await audit.append({
      type: 'grant-revoked',
      ...(grant.runId === null ? {} : { runId: grant.runId }),
      actor: { user: actor.id, agent: grant.agentId },
      details: { grantId, scopes: grant.scopes, reason },
    });
    const result = await revokeGrant(store, { orgId, by: actor.id, reason, grantId }, clock);
    for (const token of result.tokens) {
      await audit.append({
        type: 'token-revoked',
        runId: token.runId,
        actor: { user: actor.id },
        details: { jti: token.jti, because: `grant ${grantId} revoked`, reason },
      });
    }
    return (await store.grants.get(orgId, grantId)) ?? grant;
  }

  private async checkElevatable(run: RunRecord, scope: string): Promise<void> {
    const { store, orgId, config } = this.context;
    if (!patternsAllow(config.identity.jit.scopes, scope)) {
      throw new ApiError('bad-input', `${scope} is not a just-in-time scope (identity.jit.scopes)`);
    }
    const starter = await store.users.get(orgId, run.requestedBy);
    const patterns =
      starter === undefined ? [] : delegablePatterns(config.identity.delegation, starter);
    if (!patternsAllow(patterns, scope)) {
      throw new ApiError(
        'bad-input',
        `${run.requestedBy}, who started run ${run.id}, may not delegate ${scope}`,
      );
    }
  }
}

function asBadInput(error: unknown): unknown {
  return error instanceof TokenError ? new ApiError('bad-input', error.message) : error;
}
