import { z } from 'zod';

/**
 * Settings of approvals and their notifications: how long a request lives, how often expired
 * ones are swept, how decision links are made, and which webhooks hear about new requests (with
 * bounded, exponential retry). Kept in its own file so the main schema only names the sections.
 */

const approvalDefaults = {
  expiresAfterSeconds: 24 * 3600,
  sweepIntervalSeconds: 30,
  linkTtlSeconds: 900,
  rollbackApproverRole: 'approver',
};

/** `approvals`: expiry (a deny), the sweep, one-time decision links, who approves rollbacks. */
export const approvalSettingsSchema = z
  .object({
    expiresAfterSeconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 24 * 3600)
      .default(approvalDefaults.expiresAfterSeconds),
    /** How often a server ends requests past their expiry (and the runs waiting on them). */
    sweepIntervalSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(approvalDefaults.sweepIntervalSeconds),
    /** The public base URL of this server, e.g. https://castellan.example; no links without it. */
    linkBaseUrl: z
      .string()
      .url()
      .regex(/^https?:\/\//, 'an http(s) URL')
      .max(500)
      .optional(),
    /** How long a decision link works; short, since a link is a credential for one decision. */
    linkTtlSeconds: z
      .number()
      .int()
      .min(10)
      .max(24 * 3600)
      .default(approvalDefaults.linkTtlSeconds),
    /** The role that approves each step of a rollback, whatever policy says of the tool. */
    rollbackApproverRole: z
      .string()
      .regex(/^[a-z][a-z0-9-]*(:[a-z0-9-]+)?$/)
      .default(approvalDefaults.rollbackApproverRole),
  })
  .strict()
  .default(approvalDefaults);

/** One webhook that hears about new approval requests. */
export const webhookSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
    format: z.enum(['json', 'slack', 'teams']),
    url: z
      .string()
      .url()
      .regex(/^https?:\/\//, 'an http(s) URL')
      .max(2000),
    /** Only these users get decision links in this channel (default: every eligible approver). */
    users: z.array(z.string().min(1).max(200)).max(100).optional(),
  })
  .strict();

const notificationDefaults = {
  webhooks: [],
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60 * 1000,
  timeoutMs: 5000,
  pollIntervalMs: 1000,
};

/** `notifications`: the webhooks, and how delivery retries (bounded, exponential). */
export const notificationSettingsSchema = z
  .object({
    webhooks: z.array(webhookSchema).max(20).default([]),
    /** Attempts per notification before it is given up (and audited as abandoned). */
    maxAttempts: z.number().int().min(1).max(20).default(notificationDefaults.maxAttempts),
    /** The first retry waits this long; each further one twice as long, up to maxDelayMs. */
    baseDelayMs: z.number().int().min(10).max(600_000).default(notificationDefaults.baseDelayMs),
    maxDelayMs: z
      .number()
      .int()
      .min(10)
      .max(24 * 3600 * 1000)
      .default(notificationDefaults.maxDelayMs),
    timeoutMs: z.number().int().min(100).max(60_000).default(notificationDefaults.timeoutMs),
    /** How often a server looks for due notifications. */
    pollIntervalMs: z
      .number()
      .int()
      .min(10)
      .max(60_000)
      .default(notificationDefaults.pollIntervalMs),
  })
  .strict()
  .refine(
    (settings) =>
      new Set(settings.webhooks.map((hook) => hook.name)).size === settings.webhooks.length,
    {
      message: 'webhook names must be unique',
    },
  )
  .default(notificationDefaults);

/** Validated approval settings. */
export type ApprovalSettings = z.infer<typeof approvalSettingsSchema>;
/** Validated notification settings. */
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;
/** One validated webhook. */
export type WebhookSettings = z.infer<typeof webhookSchema>;
