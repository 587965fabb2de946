/**
 * The store port's approval-delivery part: the notification outbox (so a restart loses no
 * notification) and the register of used one-time decision links (so a link works once).
 */

/** Where a notification stands: waiting (first try or a retry), delivered, or given up. */
export type NotificationStatus = 'pending' | 'sent' | 'failed';

/** One notification to one webhook about one approval request, kept until it is delivered. */
export interface NotificationRecord {
  orgId: string;
  id: string;
  approvalId: string;
  /** The webhook's name in the settings; its URL and format are read at delivery time. */
  channel: string;
  status: NotificationStatus;
  attempts: number;
  /** When the next attempt is due; a dispatcher that claims it moves this forward (a lease). */
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** A one-time decision link that was redeemed; the key refuses a second use. */
export interface ApprovalLinkUseRecord {
  orgId: string;
  /** The link's random id, from its signed payload. */
  linkId: string;
  approvalId: string;
  approver: string;
  decision: 'approve' | 'deny';
  usedAt: string;
  expiresAt: string;
}

/** The outbox and the used-link register. */
export interface ApprovalDeliveryRepository {
  enqueue(notifications: NotificationRecord[]): Promise<void>;
  get(orgId: string, id: string): Promise<NotificationRecord | undefined>;
  /** Pending notifications due at `now`, oldest due first. */
  due(orgId: string, now: string, limit: number): Promise<NotificationRecord[]>;
  /**
   * Takes a due notification for one attempt by moving `nextAttemptAt` to `leaseUntil`, only if
   * it still is pending with the `nextAttemptAt` the caller saw; false when another took it.
   */
  claim(orgId: string, id: string, seenNextAttemptAt: string, leaseUntil: string): Promise<boolean>;
  /** Records an attempt's result. */
  settle(
    orgId: string,
    id: string,
    change: Pick<NotificationRecord, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError'> & {
      sentAt: string | null;
    },
  ): Promise<void>;
  list(
    orgId: string,
    filter?: { approvalId?: string; status?: NotificationStatus[] },
  ): Promise<NotificationRecord[]>;
  /** Registers a redeemed link; false when that link was redeemed before (a replay). */
  useLink(use: ApprovalLinkUseRecord): Promise<boolean>;
}
