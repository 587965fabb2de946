import type { AuditLog } from '../audit/index.js';
import type { CastellanConfig } from '../config/index.js';
import type { Clock } from '../core/index.js';
import type { LoadedPack } from '../packs/index.js';
import type { AgentRecord, RunRecord, UserRecord } from '../store/index.js';
import {
  mintCapabilityToken,
  neededScopes,
  type InstanceKeys,
  type TokenExchange,
} from '../tokens/index.js';

/** What a run's tokens come from: the exchange when wired, else the agent's scopes as they are. */
export interface RunTokenDependencies {
  exchange?: TokenExchange;
  keys: InstanceKeys;
  tokens: CastellanConfig['tokens'];
  audit: AuditLog;
  clock: Clock;
}

/** A token for the next call, and whether it was just issued (the run records its jti). */
export interface RunToken {
  token: string;
  jti: string;
  fresh: boolean;
}

const RENEW_MARGIN_MS = 60_000;

const REVOCATION_CODES = new Set([
  'revoked-in-flight',
  'token-revoked',
  'token-revoked-epoch',
  'token-kill-switch',
]);

/** True when a gate denial says the run's credentials were revoked, not that a rule refused. */
export function isRevocation(code: string): boolean {
  return REVOCATION_CODES.has(code);
}

/**
 * The capability tokens of the runs this process drives: each obtained by exchange (user as
 * subject, agent as actor, scopes the task needs) and renewed by a new exchange a minute before
 * it expires, so every renewal re-checks revocation and grants. Kept in memory only: another
 * process resuming the run exchanges its own.
 */
export class RunTokens {
  readonly #cache = new Map<string, { token: string; jti: string; expiresAt: Date }>();

  constructor(private readonly dependencies: RunTokenDependencies) {}

  /** The run's current token, exchanged anew when it is missing or about to expire. */
  async tokenFor(
    run: RunRecord,
    agent: AgentRecord,
    user: UserRecord,
    packs: readonly LoadedPack[],
  ): Promise<RunToken> {
    const { clock, audit } = this.dependencies;
    const cached = this.#cache.get(run.id);
    if (
      cached !== undefined &&
      cached.expiresAt.getTime() - clock.now().getTime() > RENEW_MARGIN_MS
    ) {
      return { token: cached.token, jti: cached.jti, fresh: false };
    }
    const issued = await this.issue(run, agent, user, packs);
    await audit.append({
      type: 'token-minted',
      runId: run.id,
      actor: { user: run.requestedBy, agent: agent.id },
      details: issued.details,
    });
    this.#cache.set(run.id, issued);
    return { token: issued.token, jti: issued.jti, fresh: true };
  }

  /** Drops a run's token, so the next call exchanges again (after a grant, or when it ends). */
  forget(runId: string): void {
    this.#cache.delete(runId);
  }

  private async issue(
    run: RunRecord,
    agent: AgentRecord,
    user: UserRecord,
    packs: readonly LoadedPack[],
  ): Promise<{ token: string; jti: string; expiresAt: Date; details: Record<string, unknown> }> {
    const { exchange, keys, tokens, clock } = this.dependencies;
    if (exchange === undefined) {
      // Without an exchange (embedders and tests wiring the engine by hand): the agent's scopes.
      const minted = await mintCapabilityToken(
        keys,
        tokens,
        {
          sub: run.requestedBy,
          act: { sub: agent.id },
          scopes: agent.scopes,
          runId: run.id,
          orgId: run.orgId,
        },
        clock,
      );
      return {
        ...minted,
        details: {
          jti: minted.jti,
          scopes: agent.scopes,
          expiresAt: minted.expiresAt.toISOString(),
        },
      };
    }
    const exchanged = await exchange.exchange({
      orgId: run.orgId,
      subject: user,
      actor: agent,
      run: { id: run.id, createdAt: run.createdAt, previousJti: run.tokenJti },
      needed: taskScopes(run, packs),
    });
    return {
      ...exchanged,
      details: {
        jti: exchanged.jti,
        scopes: exchanged.scopes,
        expiresAt: exchanged.expiresAt.toISOString(),
        grantIds: exchanged.grantIds,
        withheld: exchanged.withheld,
      },
    };
  }
}

/**
 * What a run's task may need: the scopes of the tools its playbook names, or, for any other
 * planner, of every tool in the agent's packs. Bindings are not known yet, so a templated
 * binding asks for "some resource" and the gate checks the bound scope per call.
 */
export function taskScopes(run: RunRecord, packs: readonly LoadedPack[]): string[] {
  const planner = run.planner as { kind: string; pack?: unknown; playbook?: unknown };
  if (planner.kind === 'playbook') {
    const pack = packs.find((candidate) => candidate.manifest.name === planner.pack);
    const playbook = pack?.manifest.playbooks.find(
      (candidate) => candidate.name === planner.playbook,
    );
    if (pack !== undefined && playbook !== undefined) {
      const names = new Set(playbook.steps.map((step) => step.tool));
      return neededScopes(
        pack.manifest.tools.filter((tool) => names.has(tool.name)).flatMap((tool) => tool.scopes),
      );
    }
  }
  return neededScopes(packs.flatMap((pack) => pack.manifest.tools.flatMap((tool) => tool.scopes)));
}
