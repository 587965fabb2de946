import { webcrypto } from 'node:crypto';
import {
  Approvals,
  NotificationDispatcher,
  readLinkToken,
  type DecisionOutcome,
  type LinkSigner,
  type NotificationEvent,
} from '../approvals/index.js';
import type { AuditLog } from '../audit/index.js';
import type { CastellanConfig } from '../config/index.js';
import type { Clock } from '../core/index.js';
import type { ControlPlaneAction } from '../identity/index.js';
import type {
  ApprovalRecord,
  NotificationRecord,
  RunRecord,
  Store,
  UserRecord,
} from '../store/index.js';
import type { InstanceKeys } from '../tokens/index.js';
import { ApiError } from './errors.js';
import { isPackApproval } from './packs/pack-approvals.js';
import { decisionEventType } from './approval-events.js';

/** A signer over the instance's Ed25519 key: only this instance can make a decision link. */
export function instanceLinkSigner(keys: InstanceKeys): LinkSigner {
  return {
    sign: async (data) =>
      new Uint8Array(
        await webcrypto.subtle.sign('Ed25519', keys.privateKey as webcrypto.CryptoKey, data),
      ),
    verify: (data, signature) =>
      webcrypto.subtle.verify('Ed25519', keys.publicKey as webcrypto.CryptoKey, signature, data),
  };
}

/** What a decision link shows before it is used (a GET never decides). */
export interface LinkView {
  approval: ApprovalRecord;
  approver: string;
  decision: 'approve' | 'deny';
  expiresAt: string;
}

/** What sweeping did: requests it ended and the runs that ended with them. */
export interface SweepReport {
  expired: Array<{ approvalId: string; runId: string; runStatus: string | null }>;
  notificationsAttempted: number;
}

/** Everything approval work needs, wired by the service. */
export interface ApprovalWorkDependencies {
  store: Store;
  audit: AuditLog;
  approvals: Approvals;
  config: CastellanConfig;
  keys: InstanceKeys;
  orgId: string;
  clock: Clock;
  permit(actor: UserRecord, action: ControlPlaneAction): void;
  /** Drives a run after a decision: here until it rests, or in the background. */
  resume(runId: string, mode: 'until-rest' | 'background'): Promise<RunRecord | undefined>;
  fetch?: typeof fetch;
}

/**
 * The work around approvals that nobody's request drives: ending expired requests (and their
 * runs), delivering notifications from the outbox, and deciding through one-time links. A server
 * runs it on a timer; `castellan approvals sweep` runs it once.
 */
export class ApprovalWork {
  readonly signer: LinkSigner;
  private readonly dispatcher: NotificationDispatcher;

  constructor(private readonly dependencies: ApprovalWorkDependencies) {
    this.signer = instanceLinkSigner(dependencies.keys);
    const { config } = dependencies;
    this.dispatcher = new NotificationDispatcher({
      store: dependencies.store,
      orgId: dependencies.orgId,
      settings: config.notifications,
      links: {
        ...(config.approvals.linkBaseUrl === undefined
          ? {}
          : { baseUrl: config.approvals.linkBaseUrl }),
        ttlSeconds: config.approvals.linkTtlSeconds,
      },
      signer: this.signer,
      clock: dependencies.clock,
      record: (event) => this.recordNotification(event),
      ...(dependencies.fetch === undefined ? {} : { fetch: dependencies.fetch }),
    });
  }

  /** The webhooks every new approval request is sent to. */
  static channels(config: CastellanConfig): string[] {
    return config.notifications.webhooks.map((hook) => hook.name);
  }

  /**
   * Ends every pending request past its expiry (a deny), records it, and drives each waiting run
   * to its end: the gate sees the expired approval and denies the call. Then delivers due
   * notifications. With an actor (the CLI), the actor needs `run.cancel`; the server's own timer
   * passes none.
   */
  async sweep(
    actor?: UserRecord,
    mode: 'until-rest' | 'background' = 'until-rest',
  ): Promise<SweepReport> {
    if (actor !== undefined) this.dependencies.permit(actor, 'run.cancel');
    const { approvals, audit, store, orgId } = this.dependencies;
    const expired: SweepReport['expired'] = [];
    for (const approval of await approvals.expireDue(orgId)) {
      await audit.append({
        type: 'approval-expired',
        runId: approval.runId,
        stepIndex: approval.stepIndex,
        actor: { service: 'approval-sweep' },
        tool: approval.tool,
        details: { approvalId: approval.id, expiresAt: approval.expiresAt },
      });
      const run = isPackApproval(approval)
        ? undefined
        : await store.runs.get(orgId, approval.runId);
      const ended = run === undefined ? undefined : await this.dependencies.resume(run.id, mode);
      expired.push({
        approvalId: approval.id,
        runId: approval.runId,
        runStatus: ended?.status ?? null,
      });
    }
    return { expired, notificationsAttempted: await this.deliver() };
  }

  /** Attempts the notifications due now. */
  deliver(): Promise<number> {
    return this.dispatcher.deliverDue();
  }

  /** The notifications of one request, for `approvals show`. */
  async notifications(actor: UserRecord, approvalId: string): Promise<NotificationRecord[]> {
    this.dependencies.permit(actor, 'approval.read');
    return this.dependencies.store.approvalDelivery.list(this.dependencies.orgId, { approvalId });
  }

  /** What a link would do, checked (signature, expiry) but not spent; the token is untrusted. */
  async viewLink(token: string): Promise<LinkView> {
    const { store, orgId, clock } = this.dependencies;
    const claims = await readLinkToken(this.signer, token, clock.now());
    const approval =
      claims.org === orgId ? await store.approvals.get(orgId, claims.apr) : undefined;
    if (approval === undefined) throw new ApiError('not-found', 'the link names no approval here');
    return {
      approval,
      approver: claims.usr,
      decision: claims.dec,
      expiresAt: new Date(claims.exp * 1000).toISOString(),
    };
  }

  /**
   * Decides through a one-time link, with no other credential: the signed link is the approver's
   * proof, spent in the decision's transaction. Every separation-of-duties rule still applies.
   */
  async decideByLink(
    token: string,
    reason: string | null,
    mode: 'until-rest' | 'background' = 'until-rest',
  ): Promise<DecisionOutcome & { run: RunRecord | undefined }> {
    const { approvals, orgId } = this.dependencies;
    const view = await this.viewLink(token);
    if (isPackApproval(view.approval)) {
      throw new ApiError(
        'bad-input',
        'a pack request is decided with packs approve|deny, not a link',
      );
    }
    const outcome = await approvals.decideByLink(orgId, this.signer, token, reason);
    await this.recordDecision(outcome, outcome.approver, 'link');
    const run =
      outcome.status === 'pending'
        ? undefined
        : await this.dependencies.resume(outcome.approval.runId, mode);
    return { ...outcome, run };
  }

  /** Appends the audit entry of a decision, however it was made. */
  async recordDecision(
    outcome: DecisionOutcome,
    actor: UserRecord,
    via: 'cli-or-api' | 'link',
  ): Promise<void> {
    await this.dependencies.audit.append({
      type: decisionEventType(outcome.status),
      runId: outcome.approval.runId,
      stepIndex: outcome.approval.stepIndex,
      actor: { user: actor.id },
      tool: outcome.approval.tool,
      approver: actor.id,
      details: {
        approvalId: outcome.approval.id,
        decision: outcome.decision.decision,
        reason: outcome.decision.reason,
        status: outcome.status,
        via,
      },
    });
  }

  /**
   * Runs the sweep and the deliveries on timers until stopped (the server owns the returned
   * handle). A failing round is reported to `onError` and the next round tries again.
   */
  start(onError: (error: unknown) => void = () => undefined): { stop(): Promise<void> } {
    const { config } = this.dependencies;
    let running: Promise<unknown> = Promise.resolve();
    const round = (work: () => Promise<unknown>) => {
      running = running.then(work).catch(onError);
    };
    const sweep = setInterval(
      () => round(() => this.sweep(undefined, 'background')),
      config.approvals.sweepIntervalSeconds * 1000,
    );
    const deliver = setInterval(
      () => round(() => this.deliver()),
      config.notifications.pollIntervalMs,
    );
    sweep.unref();
    deliver.unref();
    return {
      stop: async () => {
        clearInterval(sweep);
        clearInterval(deliver);
        await running.catch(() => undefined);
      },
    };
  }

  // An outcome that cannot be audited throws: the dispatcher stops the batch and the row is
  // tried again later, so no delivery goes unrecorded for long.
  private async recordNotification(event: NotificationEvent): Promise<void> {
    await this.dependencies.audit.append({
      type: event.type,
      ...(event.approval === undefined
        ? {}
        : {
            runId: event.approval.runId,
            stepIndex: event.approval.stepIndex,
            tool: event.approval.tool,
          }),
      actor: { service: 'notifier' },
      details: { approvalId: event.notification.approvalId, ...event.details },
    });
  }
}
