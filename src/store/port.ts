/**
 * The store port: every durable record Castellan keeps, behind one interface with two adapters
 * (SQLite embedded, PostgreSQL for many machines). Only store/ speaks SQL. Every record carries
 * an organisation id. JSON-valued fields are plain objects here; adapters serialise them.
 */

import type {
  GrantRepository,
  IssuedTokenRepository,
  RevocationStateRepository,
  ScopeRequestRepository,
} from './access-port.js';
import type { ApprovalDeliveryRepository } from './approval-delivery-port.js';
import type { AuditPayloadRepository, AuditTreeRepository } from './audit-evidence-port.js';
import type { PackRepository } from './pack-records-port.js';
import type {
  EgressCounterRepository,
  GuardVaultRepository,
  PolicyGovernanceRepository,
} from './guard-policy-port.js';

export type RunStatus =
  | 'queued'
  | 'running'
  | 'awaiting_approval'
  | 'completed'
  | 'failed'
  | 'denied'
  | 'cancelled'
  | 'needs_attention'; // stopped after a crash: a call may or may not have taken effect

export type StepStatus =
  | 'proposed' // planner proposed it; not yet decided
  | 'awaiting_approval'
  | 'executing' // intent recorded; connector running
  | 'succeeded'
  | 'failed' // connector ran and reported failure
  | 'denied' // the gate refused it
  | 'interrupted'; // intent recorded, no outcome, and not safe to run again blindly

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface UserRecord {
  orgId: string;
  id: string; // the login name, unique within the organisation
  displayName: string;
  roles: string[];
  disabled: boolean;
  createdAt: string; // ISO 8601
}

export interface ApiKeyRecord {
  orgId: string;
  id: string; // public key id, the part before the secret
  userId: string;
  secretHash: string; // sha256 hex of the secret; the secret itself is never stored
  label: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface AgentRecord {
  orgId: string;
  id: string; // the agent's name
  description: string;
  owner: string; // user id
  environment: 'dev' | 'staging' | 'prod';
  packs: string[]; // pack names this agent may use (pinning by digest arrives with signed packs)
  scopes: string[]; // standing scope grants
  /** `model` names a model profile of the settings; `mode` picks how an LLM planner works. */
  planner: {
    kind: 'playbook' | 'scripted' | 'llm';
    playbook?: string;
    model?: string;
    mode?: 'react' | 'plan-then-execute';
  };
  createdAt: string;
}

export interface RunRecord {
  orgId: string;
  id: string;
  agentId: string;
  requestedBy: string; // user id
  prompt: string;
  status: RunStatus;
  planner: { kind: string; [key: string]: unknown }; // planner kind and its durable state
  input: Record<string, unknown>;
  tainted: boolean;
  tokenJti: string | null;
  reason: string | null; // why it ended as it did (failed, denied, cancelled)
  stepCount: number;
  createdAt: string;
  updatedAt: string;
  version: number; // optimistic concurrency: every update increments it
}

export interface StepRecord {
  orgId: string;
  runId: string;
  index: number; // 0-based position in the run
  tool: string; // "pack/tool"
  args: Record<string, unknown>;
  status: StepStatus;
  decision: Record<string, unknown> | null; // the gate's decision (effect, policy ids, reasons)
  result: unknown; // connector result, redacted, or null
  error: string | null;
  approvalId: string | null;
  model: { provider: string; id: string; version: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface ApprovalRecord {
  orgId: string;
  id: string;
  runId: string;
  stepIndex: number;
  tool: string;
  args: Record<string, unknown>;
  requestedBy: string; // the run's requester: may never approve
  approverRole: string; // role an approver must hold, e.g. "approver" or "approver:finance"
  quorum: number;
  reason: string; // why approval is needed (policy ids, risk)
  status: ApprovalStatus;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  /** What will happen, for the approver: arguments, provenance, policies, state, change. */
  details?: Record<string, unknown> | null;
  /** Who may not decide besides the requester, and why (agent owner, pack publisher). */
  forbiddenApprovers?: Array<{ user: string; why: string }>;
}

export interface ApprovalDecisionRecord {
  orgId: string;
  approvalId: string;
  approver: string;
  decision: 'approve' | 'deny';
  reason: string | null;
  decidedAt: string;
}

/** One row of the append-only audit table; `entry` is the canonical content that was hashed. */
export interface AuditRow {
  orgId: string;
  seq: number; // 1-based, gapless per organisation
  entry: Record<string, unknown>;
  prevHash: string;
  hash: string;
  /**
   * The entry's canonical JSON, when the writer has it already (it hashed it): stored as is,
   * which spares serialising the entry twice. It must be canonicalJson(entry).
   */
  text?: string;
}

export interface RevocationRecord {
  orgId: string;
  jti: string;
  reason: string;
  revokedAt: string;
  expiresAt: string; // after this, the token is expired anyway and the row may be pruned
}

export interface PolicySetRecord {
  orgId: string;
  version: number;
  digest: string;
  policies: Record<string, string>; // file name → Cedar text
  createdBy: string;
  createdAt: string;
  active: boolean;
}

export interface UserRepository {
  upsert(user: UserRecord): Promise<void>;
  get(orgId: string, id: string): Promise<UserRecord | undefined>;
  list(orgId: string): Promise<UserRecord[]>;
}

export interface ApiKeyRepository {
  insert(key: ApiKeyRecord): Promise<void>;
  get(orgId: string, id: string): Promise<ApiKeyRecord | undefined>;
  /**
   * Finds a key by id in any organisation: the id comes from the presented credential. Key ids
   * are unique across organisations (inserting a clash is a StoreError 'conflict').
   */
  find(id: string): Promise<ApiKeyRecord | undefined>;
  listForUser(orgId: string, userId: string): Promise<ApiKeyRecord[]>;
  revoke(orgId: string, id: string, at: string): Promise<boolean>;
}

export interface AgentRepository {
  upsert(agent: AgentRecord): Promise<void>;
  get(orgId: string, id: string): Promise<AgentRecord | undefined>;
  list(orgId: string): Promise<AgentRecord[]>;
}

export interface RunRepository {
  insert(run: RunRecord): Promise<void>;
  get(orgId: string, id: string): Promise<RunRecord | undefined>;
  /** Newest first (createdAt, then id), so `limit` keeps the latest; `status: []` matches none. */
  list(orgId: string, filter?: { status?: RunStatus[]; limit?: number }): Promise<RunRecord[]>;
  /**
   * Applies a change only if the stored version equals `expectedVersion`; returns the updated
   * record, or undefined when another writer got there first.
   */
  update(
    orgId: string,
    id: string,
    expectedVersion: number,
    change: Partial<Omit<RunRecord, 'orgId' | 'id' | 'version' | 'createdAt'>>,
  ): Promise<RunRecord | undefined>;
}

export interface StepRepository {
  insert(step: StepRecord): Promise<void>;
  get(orgId: string, runId: string, index: number): Promise<StepRecord | undefined>;
  listForRun(orgId: string, runId: string): Promise<StepRecord[]>;
  update(
    orgId: string,
    runId: string,
    index: number,
    change: Partial<Omit<StepRecord, 'orgId' | 'runId' | 'index' | 'createdAt'>>,
  ): Promise<StepRecord>;
}

export interface ApprovalRepository {
  insert(approval: ApprovalRecord): Promise<void>;
  get(orgId: string, id: string): Promise<ApprovalRecord | undefined>;
  list(
    orgId: string,
    filter?: { status?: ApprovalStatus[]; runId?: string },
  ): Promise<ApprovalRecord[]>;
  /** Sets the status only while it is still `pending`; false when it was already decided. */
  resolve(orgId: string, id: string, status: ApprovalStatus, decidedAt: string): Promise<boolean>;
  /** One decision per approver: a second one by the same approver is a StoreError 'conflict'. */
  addDecision(decision: ApprovalDecisionRecord): Promise<void>;
  decisions(orgId: string, approvalId: string): Promise<ApprovalDecisionRecord[]>;
  /** Pending requests whose expiry is at or before `now`, soonest first, at most `limit`. */
  expiring(orgId: string, now: string, limit: number): Promise<ApprovalRecord[]>;
}

export interface AuditRepository {
  /**
   * Appends one entry in one total order. `build` receives the current tail (or undefined for
   * an empty log) and returns the row to insert; it runs under the store's append lock (SQLite:
   * an IMMEDIATE transaction; PostgreSQL: an advisory transaction lock), so two writers never
   * chain from the same tail. If the insert fails, nothing is written and the error propagates.
   * A row that does not follow the tail (orgId, seq = tail.seq + 1, prevHash = tail.hash) is
   * refused with a StoreError 'invalid'. The entry is stored as its canonical JSON.
   */
  append(
    orgId: string,
    build: (tail: { seq: number; hash: string } | undefined) => AuditRow,
  ): Promise<AuditRow>;
  /**
   * Appends several rows under one acquisition of the append lock, with one tail read and
   * batched inserts (group commit): `build` returns rows that chain from the tail and from
   * each other, checked as append checks one row. All are written or none.
   */
  appendMany(
    orgId: string,
    build: (tail: { seq: number; hash: string } | undefined) => AuditRow[],
  ): Promise<AuditRow[]>;
  /** Rows with seq in [fromSeq, toSeq], in order. */
  range(orgId: string, fromSeq: number, toSeq?: number, limit?: number): Promise<AuditRow[]>;
  tail(orgId: string): Promise<{ seq: number; hash: string } | undefined>;
  count(orgId: string): Promise<number>;
  /** Rows whose `entry.runId` (a string) equals runId, in order. */
  forRun(orgId: string, runId: string): Promise<AuditRow[]>;
}

export interface RevocationRepository {
  revoke(record: RevocationRecord): Promise<void>;
  isRevoked(orgId: string, jti: string): Promise<boolean>;
}

export interface PolicyRepository {
  /** Stores a new version and makes it the active one, in one transaction. */
  activate(record: Omit<PolicySetRecord, 'version' | 'active'>): Promise<PolicySetRecord>;
  active(orgId: string): Promise<PolicySetRecord | undefined>;
  get(orgId: string, version: number): Promise<PolicySetRecord | undefined>;
  list(orgId: string): Promise<PolicySetRecord[]>;
}

export interface OrganisationRepository {
  ensure(id: string, name: string): Promise<void>;
  get(id: string): Promise<{ id: string; name: string; createdAt: string } | undefined>;
}

/** The store: repositories over one database, plus lifecycle. */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly organisations: OrganisationRepository;
  readonly users: UserRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly agents: AgentRepository;
  readonly runs: RunRepository;
  readonly steps: StepRepository;
  readonly approvals: ApprovalRepository;
  readonly audit: AuditRepository;
  readonly revocations: RevocationRepository;
  readonly policies: PolicyRepository;
  /** Standing and just-in-time scope grants of agents. */
  readonly grants: GrantRepository;
  /** Requests for scopes an agent does not hold, waiting for an admin. */
  readonly scopeRequests: ScopeRequestRepository;
  /** Every capability token minted (claims only), for listing and revoking. */
  readonly issuedTokens: IssuedTokenRepository;
  /** Revocation epochs and the kill switch. */
  readonly revocationState: RevocationStateRepository;
  /** The audit log's Merkle tree, raw rows and checkpoints. */
  readonly auditTree: AuditTreeRepository;
  /** The audit log's payload blobs and legal holds. */
  readonly auditPayloads: AuditPayloadRepository;
  /** The guard's per-run redaction vault (placeholder → value). */
  readonly guardVault: GuardVaultRepository;
  /** Egress counters per run and destination, for exfiltration budgets. */
  readonly egress: EgressCounterRepository;
  /** Candidate policy versions, activation by compare-and-set, and the shadow set. */
  readonly policyGovernance: PolicyGovernanceRepository;
  /** The pack registry, admissions, quarantines and trusted publisher keys. */
  readonly packs: PackRepository;
  /** The approval notification outbox and redeemed one-time decision links. */
  readonly approvalDelivery: ApprovalDeliveryRepository;
  /**
   * Runs `work` in one database transaction with repositories bound to it; a nested call joins
   * the enclosing transaction. Inside `work`, use only the store it receives: calling the outer
   * store from there is refused (StoreError 'conflict'), since it would wait on the transaction.
   */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
  /** Applies pending migrations; idempotent. */
  migrate(): Promise<void>;
  /** Reports whether the database answers; used by doctor and /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
