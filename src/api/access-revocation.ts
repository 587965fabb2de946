import { describeError } from '../core/index.js';
import type {
  IssuedTokenRecord,
  KillSwitchRecord,
  RunRecord,
  RunStatus,
  UserRecord,
} from '../store/index.js';
import {
  judgeRevocation,
  revokeTokenByJti,
  revokeTokensOf,
  setKillSwitch,
} from '../tokens/index.js';
import type { AccessContext } from './access-context.js';
import { killSwitchSchema, revokeTokensSchema } from './access-inputs.js';
import { parseInput } from './inputs.js';

/** An issued token as listed: its claims and whether it still counts (never the token). */
export interface TokenView extends IssuedTokenRecord {
  status: 'active' | 'expired' | 'revoked';
  revokedBecause?: string;
}

/** What a revocation did: the runs it halted, and whether each halt took. */
export interface RevocationOutcome {
  subject: { kind: 'jti' | 'agent' | 'user' | 'run' | 'all'; id: string };
  at: string;
  haltedRuns: Array<{ runId: string; status: RunStatus }>;
}

const UNFINISHED: RunStatus[] = ['queued', 'running', 'awaiting_approval', 'needs_attention'];

/**
 * Revocation and the kill switch. The store records the revocation first (so every process's
 * gate refuses the next call at once, and its watcher aborts calls in flight within its poll
 * interval); then the runs affected are halted with the reason, and all of it is audited.
 */
export class RevocationService {
  constructor(private readonly context: AccessContext) {}

  /** Issued tokens, newest first, with their standing. */
  async listTokens(
    actor: UserRecord,
    filter: { run?: string; agent?: string; user?: string; active?: boolean; limit?: number } = {},
  ): Promise<TokenView[]> {
    this.context.permit(actor, 'token.read');
    const { store, orgId, clock } = this.context;
    const now = clock.now();
    const tokens = await store.issuedTokens.list(orgId, {
      ...(filter.run === undefined ? {} : { runId: filter.run }),
      ...(filter.agent === undefined ? {} : { agentId: filter.agent }),
      ...(filter.user === undefined ? {} : { userId: filter.user }),
      ...(filter.active === true ? { activeAt: now.toISOString() } : {}),
      limit: Math.min(filter.limit ?? 200, 1000),
    });
    return Promise.all(
      tokens.map(async (token): Promise<TokenView> => {
        const status = await store.revocationState.status(orgId, token);
        const issuedAt = new Date(Math.floor(Date.parse(token.issuedAt) / 1000) * 1000);
        const answer = judgeRevocation(status, issuedAt);
        if (answer !== false) {
          const because = answer === true ? 'revoked' : answer.code;
          return { ...token, status: 'revoked', revokedBecause: because };
        }
        return { ...token, status: token.expiresAt > now.toISOString() ? 'active' : 'expired' };
      }),
    );
  }

  /** Revokes one token, or every token of an agent, a user or a run, and halts their runs. */
  async revokeTokens(actor: UserRecord, raw: unknown): Promise<RevocationOutcome> {
    this.context.permit(actor, 'token.revoke');
    const input = parseInput(revokeTokensSchema, raw, 'revocation');
    const { store, orgId, clock, audit } = this.context;
    const act = { orgId, by: actor.id, reason: input.reason };
    let subject: RevocationOutcome['subject'];
    let affected: (run: RunRecord) => boolean;
    let at: string;
    if (input.jti !== undefined) {
      subject = { kind: 'jti', id: input.jti };
      const issued = await revokeTokenByJti(store, { ...act, jti: input.jti }, clock);
      at = clock.now().toISOString();
      affected = (run) => run.id === issued?.runId;
    } else {
      const [kind, id] =
        input.agent !== undefined
          ? (['agent', input.agent] as const)
          : input.user !== undefined
            ? (['user', input.user] as const)
            : (['run', input.run ?? ''] as const);
      subject = { kind, id };
      at = await revokeTokensOf(store, { ...act, subject: kind, id }, clock);
      affected = (run) =>
        kind === 'agent'
          ? run.agentId === id
          : kind === 'user'
            ? run.requestedBy === id
            : run.id === id;
    }
    await audit.append({
      type: 'token-revoked',
      ...(subject.kind === 'run' ? { runId: subject.id } : {}),
      actor: { user: actor.id },
      details: { subject, reason: input.reason, at },
    });
    const haltedRuns = await this.halt(
      affected,
      `${subject.kind} ${subject.id} revoked by ${actor.id}: ${input.reason}`,
    );
    return { subject, at, haltedRuns };
  }

  /** The kill switch's state (off when it was never set). */
  async killSwitch(actor: UserRecord): Promise<KillSwitchRecord> {
    this.context.permit(actor, 'killswitch.read');
    const { store, orgId } = this.context;
    return (
      (await store.revocationState.killSwitch(orgId)) ?? {
        orgId,
        engaged: false,
        reason: 'never set',
        changedBy: 'castellan',
        changedAt: new Date(0).toISOString(),
      }
    );
  }

  /**
   * Turns the kill switch on (every token refused, every call in flight aborted, every unfinished
   * run halted) or off (new runs may start; earlier tokens stay dead). Security admins only.
   */
  async setKillSwitch(
    actor: UserRecord,
    raw: unknown,
  ): Promise<{ state: KillSwitchRecord; haltedRuns: RevocationOutcome['haltedRuns'] }> {
    this.context.permit(actor, 'killswitch.set');
    const input = parseInput(killSwitchSchema, raw, 'kill switch');
    const { store, orgId, clock, audit } = this.context;
    const state = await setKillSwitch(
      store,
      { orgId, by: actor.id, reason: input.reason, engaged: input.engaged },
      clock,
    );
    await audit.append({
      type: input.engaged ? 'kill-switch-engaged' : 'kill-switch-released',
      actor: { user: actor.id },
      details: { reason: input.reason, at: state.changedAt },
    });
    const haltedRuns = input.engaged
      ? await this.halt(() => true, `the kill switch is on (${actor.id}: ${input.reason})`)
      : [];
    return { state, haltedRuns };
  }

  // Each halt is attempted even when another fails, so one stuck run cannot shield the rest.
  private async halt(
    affected: (run: RunRecord) => boolean,
    reason: string,
  ): Promise<RevocationOutcome['haltedRuns']> {
    const { store, orgId, engine } = this.context;
    const runs = (await store.runs.list(orgId, { status: UNFINISHED, limit: 100_000 })).filter(
      affected,
    );
    const halted: RevocationOutcome['haltedRuns'] = [];
    for (const run of runs) {
      try {
        const after = await engine.halt(orgId, run.id, reason);
        halted.push({ runId: run.id, status: after.status });
      } catch (error) {
        halted.push({ runId: run.id, status: run.status });
        await this.context.audit
          .append({
            type: 'run-status-changed',
            runId: run.id,
            actor: { service: 'castellan-revocation' },
            details: { haltFailed: describeError(error) },
          })
          .catch(() => undefined);
      }
    }
    return halted;
  }
}
