/**
 * What one audit entry says. Entries are hashed as canonical JSON (RFC 8785), so every field
 * here is plain JSON. Event names are noun-verb (`tool-call-denied`, `approval-granted`).
 */

import type { PayloadClass } from '../store/index.js';

export type AuditEventType =
  | 'home-initialised'
  | 'pack-published' // packs: a signed version verified and stored, admitted to dev
  | 'pack-promotion-requested'
  | 'pack-promoted' // admitted to staging or prod after its approval
  | 'pack-quarantined'
  | 'pack-release-requested'
  | 'pack-released'
  | 'pack-key-trusted' // trust store: a publisher key added for an environment
  | 'pack-key-untrusted'
  | 'run-created'
  | 'run-status-changed'
  | 'token-minted'
  | 'token-exchange-refused' // identity and access: a run's token could not be (re)issued
  | 'token-revoked' // one jti, or every token of an agent, user or run (details.subject)
  | 'kill-switch-engaged'
  | 'kill-switch-released'
  | 'scope-requested' // a run (or a person) asked for a scope it does not hold
  | 'scope-granted' // an admin approved a scope request; details name the grant
  | 'scope-denied'
  | 'grant-revoked'
  | 'api-key-issued'
  | 'api-key-revoked'
  | 'user-changed' // a local account created, changed or disabled
  | 'tool-call-allowed' // the intent: committed before the connector runs
  | 'tool-call-denied'
  | 'tool-call-succeeded' // the outcome, committed after
  | 'tool-call-failed'
  | 'approval-requested'
  | 'approval-granted'
  | 'approval-denied'
  | 'approval-decision-recorded'
  | 'approval-expired' // nobody decided in time: a deny
  | 'notification-delivered' // an approval request reached a webhook
  | 'notification-attempt-failed' // a webhook did not take it; another attempt is due later
  | 'notification-abandoned' // no more attempts (out of attempts, or nothing left to ask)
  | 'tool-call-retried' // after a crash: an idempotent call is run again with its key
  | 'run-needs-attention' // after a crash: a call that may have taken effect is not re-run
  | 'rollback-planned' // the compensations for a run's effects, before any runs
  | 'audit-hold-added' // control plane: a legal hold exempts matching payloads from pruning
  | 'audit-hold-released'
  | 'audit-pruned' // payload blobs past retention lost their content (never entries or hashes)
  | 'audit-key-created' // the checkpoint signing key was made; its verifier key is recorded
  | 'policy-activated'
  | 'policy-change-requested' // a weakening policy set waits for a second security-admin
  | 'policy-shadow-changed' // a candidate set decides beside the enforced one (or stops)
  | 'model-called' // one model call of an LLM planner: model, version, tokens, digests
  | 'model-call-failed' // an attempt that failed (rate limit, timeout, provider error)
  | 'plan-recorded' // plan-then-execute: the plan the model proposed, and whether it passed
  | 'plan-deviation-refused'; // a proposed call outside the accepted plan, stopped before the gate

/** One stage's verdict inside a decision, so each gate stage leaves its trace in the log. */
export interface StageRecord {
  stage: 'resolve' | 'authorize' | 'policy' | 'data' | 'approve' | 'execute' | 'record';
  ok: boolean;
  detail: Record<string, unknown>;
}

/**
 * A payload an entry binds by digest rather than inline (a prompt's text, a resource's state):
 * stored as a content-addressed blob that pruning may empty past retention while the entry, and
 * so every hash, stays as it was.
 */
export interface PayloadInput {
  class: PayloadClass;
  value: unknown;
}

/** A payload as the entry records it: the digest of its canonical JSON, its class and size. */
export interface PayloadRef {
  digest: string;
  class: PayloadClass;
  bytes: number;
}

/** The fields a caller supplies; seq, time and hashes are added by the log. */
export interface AuditEvent {
  type: AuditEventType;
  runId?: string;
  stepIndex?: number;
  actor: { user?: string; agent?: string; service?: string };
  tool?: string;
  pack?: { name: string; version: string; digest: string };
  /** Tool arguments, already redacted by the caller (secrets never reach the log in clear). */
  args?: Record<string, unknown>;
  decision?: {
    effect: 'allow' | 'deny' | 'needs-approval';
    policyIds: string[];
    policyVersion?: number;
    reasons: string[];
    stages?: StageRecord[];
  };
  approver?: string;
  model?: { provider: string; id: string; version: string };
  resultDigest?: string;
  /** `sha256:` digest of the run's prompt (canonical JSON of the text); the text is a payload. */
  promptDigest?: string;
  /** Payloads bound by digest; undefined values are dropped. */
  payloads?: Record<string, PayloadInput | undefined>;
  details?: Record<string, unknown>;
}

/** An entry as stored: the event plus its place in the chain. */
export interface AuditEntry extends Omit<AuditEvent, 'payloads'> {
  payloads?: Record<string, PayloadRef>;
  seq: number;
  time: string;
  orgId: string;
  prevHash: string;
}

/** The hash that precedes the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
