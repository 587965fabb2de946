import type { CastellanConfig } from '../config/index.js';
import type { Clock } from '../core/index.js';
import type { GrantRecord, Store } from '../store/index.js';
import { delegableScopes } from './delegation.js';
import { TokenError } from './errors.js';
import type { InstanceKeys } from './instance-keys.js';
import { MAX_TOKEN_TTL_SECONDS } from './limits.js';
import { mintCapabilityToken, type MintedToken } from './mint.js';
import { intersectScopes, meetScope, subsumes } from './scope-sets.js';

/** What a token exchange takes (RFC 8693 semantics): the subject, the actor, the run's needs. */
export interface ExchangeRequest {
  orgId: string;
  /** The user the run acts for (the subject). */
  subject: { id: string; roles: readonly string[]; disabled: boolean };
  /** The agent that acts (the actor). */
  actor: { id: string; scopes: readonly string[]; environment: string };
  run: { id: string; createdAt: string; previousJti: string | null };
  /** What the run's task asks for at most (see neededScopes). */
  needed: readonly string[];
}

/** A minted token and what went into it, for the audit entry. */
export interface ExchangedToken extends MintedToken {
  scopes: string[];
  grantIds: string[];
  /** Needed scopes the user may not delegate, and delegable ones the agent does not hold. */
  withheld: { notDelegable: string[]; notHeld: string[] };
}

/** What the exchange reads and writes. */
export interface TokenExchangeDependencies {
  store: Pick<Store, 'grants' | 'revocationState' | 'issuedTokens'>;
  keys: InstanceKeys;
  tokens: CastellanConfig['tokens'];
  delegation: Readonly<Record<string, readonly string[]>>;
  clock: Clock;
}

interface Source {
  scope: string;
  expiresAt: number;
  grantId: string | undefined;
}

// A grant about to lapse is left out rather than minted into a token that outlives it.
const MIN_GRANT_REMAINING_MS = 2000;

/**
 * Mints a run's capability token by exchange: `sub` the user, `act` the agent, and scopes the
 * intersection of what the user may delegate, what the agent holds (its configured scopes and
 * grants in force) and what the task needs. Every exchange, first or renewal, re-checks the kill
 * switch, revocations of the run, its agent and its user, and the grants; a token never outlives
 * the grant that gave it a scope, nor 15 minutes.
 */
export class TokenExchange {
  constructor(private readonly dependencies: TokenExchangeDependencies) {}

  /** Exchanges, or throws TokenError: kill-switch, run-revoked, subject-disabled, bad-claims. */
  async exchange(request: ExchangeRequest): Promise<ExchangedToken> {
    const { store, clock } = this.dependencies;
    if (request.subject.disabled) {
      throw new TokenError('subject-disabled', `user ${request.subject.id} is disabled`);
    }
    await this.checkRunStanding(request);
    const now = clock.now().getTime();
    const grants = await store.grants.active(request.orgId, {
      agentId: request.actor.id,
      environment: request.actor.environment,
      runId: request.run.id,
      at: new Date(now + MIN_GRANT_REMAINING_MS).toISOString(),
    });
    const sources = sourcesOf(request.actor.scopes, grants);
    const delegable = delegableScopes(
      this.dependencies.delegation,
      request.subject,
      request.needed,
    );
    const scopes = intersectScopes(
      delegable,
      sources.map((source) => source.scope),
    );
    const { expiresAt, grantIds } = bounds(scopes, sources);
    const remainingSeconds = Math.floor((expiresAt - now) / 1000);
    const ttl = Math.min(
      this.dependencies.tokens.ttlSeconds,
      MAX_TOKEN_TTL_SECONDS,
      remainingSeconds,
    );
    const minted = await mintCapabilityToken(
      this.dependencies.keys,
      { ...this.dependencies.tokens, ttlSeconds: ttl },
      {
        sub: request.subject.id,
        act: { sub: request.actor.id },
        scopes,
        runId: request.run.id,
        orgId: request.orgId,
      },
      clock,
    );
    await store.issuedTokens.insert({
      orgId: request.orgId,
      jti: minted.jti,
      runId: request.run.id,
      userId: request.subject.id,
      agentId: request.actor.id,
      scopes,
      grantIds,
      issuedAt: new Date(now).toISOString(),
      expiresAt: minted.expiresAt.toISOString(),
    });
    return {
      ...minted,
      scopes,
      grantIds,
      withheld: {
        notDelegable: request.needed.filter(
          (need) => !delegable.some((scope) => meetScope(scope, need) !== undefined),
        ),
        notHeld: delegable.filter(
          (scope) => !scopes.some((granted) => meetScope(granted, scope) !== undefined),
        ),
      },
    };
  }

  // The run itself may have been revoked: its last token, or an epoch of its agent, its user,
  // the run, or everyone (the kill switch) at or after the moment the run was created.
  private async checkRunStanding(request: ExchangeRequest): Promise<void> {
    const status = await this.dependencies.store.revocationState.status(request.orgId, {
      jti: request.run.previousJti ?? '',
      agentId: request.actor.id,
      userId: request.subject.id,
      runId: request.run.id,
    });
    if (status.killSwitchEngaged) {
      throw new TokenError('kill-switch', 'the kill switch is on: no capability token is issued');
    }
    if (status.jtiRevoked) {
      throw new TokenError('run-revoked', `the run's token ${request.run.previousJti} was revoked`);
    }
    const created = Date.parse(request.run.createdAt);
    if (status.latestEpoch !== null && !(Date.parse(status.latestEpoch) < created)) {
      throw new TokenError(
        'run-revoked',
        `tokens of this run, its agent or its user were revoked at ${status.latestEpoch}`,
      );
    }
  }
}

function sourcesOf(configured: readonly string[], grants: GrantRecord[]): Source[] {
  const sources: Source[] = configured.map((scope) => ({
    scope,
    expiresAt: Number.POSITIVE_INFINITY,
    grantId: undefined,
  }));
  for (const grant of grants) {
    const expiresAt = Date.parse(grant.expiresAt);
    if (Number.isNaN(expiresAt)) continue; // an unreadable expiry grants nothing
    for (const scope of grant.scopes) sources.push({ scope, expiresAt, grantId: grant.id });
  }
  return sources;
}

// Each scope lives as long as the longest-lived source that covers it; the token lives as long
// as its shortest-lived scope. Grants recorded are those a scope depends on (no unbounded source).
function bounds(scopes: string[], sources: Source[]): { expiresAt: number; grantIds: string[] } {
  let expiresAt = Number.POSITIVE_INFINITY;
  const grantIds = new Set<string>();
  for (const scope of scopes) {
    const covering = sources.filter((source) => subsumes(source.scope, scope));
    const until = Math.max(...covering.map((source) => source.expiresAt));
    expiresAt = Math.min(expiresAt, until);
    if (until !== Number.POSITIVE_INFINITY) {
      for (const source of covering) if (source.grantId !== undefined) grantIds.add(source.grantId);
    }
  }
  return { expiresAt, grantIds: [...grantIds].sort() };
}
