import type { NotificationSettings, WebhookSettings } from '../../config/index.js';
import { describeError, digestOf, systemClock, type Clock } from '../../core/index.js';
import type { ApprovalRecord, NotificationRecord, Store } from '../../store/index.js';
import type { LinkSigner } from '../links.js';
import { approverLinks, type LinkSettings } from './approver-links.js';
import { renderNotification } from './render.js';

/** What the dispatcher reports for the audit log; the api room appends it. */
export interface NotificationEvent {
  type: 'notification-delivered' | 'notification-attempt-failed' | 'notification-abandoned';
  approval: ApprovalRecord | undefined;
  notification: NotificationRecord;
  details: Record<string, unknown>;
}

/** Everything the dispatcher needs, wired by the api room. */
export interface DispatcherDependencies {
  store: Store;
  orgId: string;
  settings: NotificationSettings;
  links: LinkSettings;
  signer: LinkSigner;
  /** Records each outcome; an error here stops the batch (the row stays due and is retried). */
  record(event: NotificationEvent): Promise<void>;
  clock?: Clock;
  fetch?: typeof fetch;
}

/** The wait before retry `attempt` (1-based): base·2^(attempt-1), capped at maxDelayMs. */
export function backoffMs(settings: NotificationSettings, attempt: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** exponent);
}

/**
 * Delivers the outbox: each due notification is claimed (so two dispatchers never send one
 * twice), rendered with fresh decision links, posted, and settled as sent, retried later with
 * exponential backoff, or abandoned after `maxAttempts`. Every outcome is recorded.
 */
export class NotificationDispatcher {
  private readonly clock: Clock;
  private readonly fetch: typeof fetch;

  constructor(private readonly dependencies: DispatcherDependencies) {
    this.clock = dependencies.clock ?? systemClock;
    this.fetch = dependencies.fetch ?? fetch;
  }

  /** Attempts every notification due now (at most `limit`); returns how many were attempted. */
  async deliverDue(limit = 100): Promise<number> {
    const { store, orgId, settings } = this.dependencies;
    const now = this.clock.now();
    const due = await store.approvalDelivery.due(orgId, now.toISOString(), limit);
    let attempted = 0;
    for (const notification of due) {
      // The lease outlasts one attempt; a dispatcher that dies mid-attempt frees the row then.
      const lease = new Date(now.getTime() + settings.timeoutMs * 2 + 1000).toISOString();
      if (
        !(await store.approvalDelivery.claim(
          orgId,
          notification.id,
          notification.nextAttemptAt,
          lease,
        ))
      )
        continue;
      attempted += 1;
      await this.attempt(notification);
    }
    return attempted;
  }

  private async attempt(notification: NotificationRecord): Promise<void> {
    const { store, orgId, settings } = this.dependencies;
    const approval = await store.approvals.get(orgId, notification.approvalId);
    const channel = settings.webhooks.find((hook) => hook.name === notification.channel);
    const attempts = notification.attempts + 1;
    if (approval === undefined || channel === undefined || approval.status !== 'pending') {
      const reason =
        approval === undefined
          ? 'the approval no longer exists'
          : channel === undefined
            ? `no webhook named ${notification.channel} is configured any more`
            : `the request is already ${approval.status}; there is nothing to ask`;
      return this.settle(notification, approval, 'notification-abandoned', {
        status: 'failed',
        attempts,
        error: reason,
      });
    }
    let outcome: { ok: true; status: number; digest: string } | { ok: false; error: string };
    try {
      outcome = await this.post(channel, approval);
    } catch (error) {
      outcome = { ok: false, error: describeError(error) };
    }
    if (outcome.ok) {
      return this.settle(notification, approval, 'notification-delivered', {
        status: 'sent',
        attempts,
        extra: {
          httpStatus: outcome.status,
          payloadDigest: outcome.digest,
          format: channel.format,
        },
      });
    }
    if (attempts >= settings.maxAttempts) {
      return this.settle(notification, approval, 'notification-abandoned', {
        status: 'failed',
        attempts,
        error: outcome.error,
      });
    }
    return this.settle(notification, approval, 'notification-attempt-failed', {
      status: 'pending',
      attempts,
      error: outcome.error,
      retryInMs: backoffMs(settings, attempts),
    });
  }

  private async post(
    channel: WebhookSettings,
    approval: ApprovalRecord,
  ): Promise<{ ok: true; status: number; digest: string } | { ok: false; error: string }> {
    const { store, signer, links, settings } = this.dependencies;
    const content = {
      approval,
      links: await approverLinks(store, signer, approval, links, this.clock.now(), channel.users),
    };
    const payload = renderNotification(channel.format, content);
    const response = await this.fetch(channel.url, {
      method: 'POST',
      redirect: 'error',
      headers: { 'content-type': 'application/json', 'user-agent': 'castellan-notifier' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    // The receiver's answer is not needed; drop it without reading an unbounded body.
    await response.body?.cancel().catch(() => undefined);
    // The payload holds live decision links: the log keeps only its digest, never the links.
    const digest = digestOf(payload);
    if (response.status >= 200 && response.status < 300) {
      return { ok: true, status: response.status, digest };
    }
    return { ok: false, error: `the webhook answered ${response.status}` };
  }

  private async settle(
    notification: NotificationRecord,
    approval: ApprovalRecord | undefined,
    type: NotificationEvent['type'],
    result: {
      status: NotificationRecord['status'];
      attempts: number;
      error?: string;
      retryInMs?: number;
      extra?: Record<string, unknown>;
    },
  ): Promise<void> {
    const { store, orgId } = this.dependencies;
    const now = this.clock.now();
    const nextAttemptAt = new Date(now.getTime() + (result.retryInMs ?? 0)).toISOString();
    await store.approvalDelivery.settle(orgId, notification.id, {
      status: result.status,
      attempts: result.attempts,
      nextAttemptAt,
      lastError: result.error ?? null,
      sentAt: result.status === 'sent' ? now.toISOString() : null,
    });
    await this.dependencies.record({
      type,
      approval,
      notification: { ...notification, status: result.status, attempts: result.attempts },
      details: {
        notificationId: notification.id,
        channel: notification.channel,
        attempt: result.attempts,
        ...(result.error === undefined ? {} : { error: result.error }),
        ...(result.retryInMs === undefined ? {} : { nextAttemptAt }),
        ...(result.extra ?? {}),
      },
    });
  }
}
