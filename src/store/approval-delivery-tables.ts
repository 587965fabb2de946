/** notification_outbox: one row per notification until it is delivered or given up. */
export interface NotificationOutboxTable {
  org_id: string;
  id: string;
  approval_id: string;
  channel: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** approval_link_uses: redeemed one-time decision links; the primary key refuses a replay. */
export interface ApprovalLinkUsesTable {
  org_id: string;
  link_id: string;
  approval_id: string;
  approver: string;
  decision: string;
  used_at: string;
  expires_at: string;
}

/** The tables of approval delivery. */
export interface ApprovalDeliveryTables {
  notification_outbox: NotificationOutboxTable;
  approval_link_uses: ApprovalLinkUsesTable;
}
