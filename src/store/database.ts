/**
 * The tables as Kysely sees them. JSON columns hold text in both dialects (so the stored bytes
 * are exactly what was written); booleans are integers 0/1 in SQLite and booleans in PostgreSQL;
 * timestamps are ISO 8601 text, stored as given; PostgreSQL returns bigint columns as strings.
 */

import type { AccessTables } from './access-tables.js';
import type { ApprovalDeliveryTables } from './approval-delivery-tables.js';
import type { AuditEvidenceTables } from './audit-evidence-tables.js';
import type { GuardPolicyTables } from './guard-policy-tables.js';
import type { PackRecordTables } from './pack-records-tables.js';

/** A boolean column as either driver returns it. */
export type DbBoolean = boolean | number;
/** An integer column that PostgreSQL may return as a string (bigint, count). */
export type DbInteger = number | string;

export interface OrganisationsTable {
  org_id: string;
  name: string;
  created_at: string;
}

export interface UsersTable {
  org_id: string;
  id: string;
  display_name: string;
  roles: string;
  disabled: DbBoolean;
  created_at: string;
}

export interface ApiKeysTable {
  org_id: string;
  id: string;
  user_id: string;
  secret_hash: string;
  label: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface AgentsTable {
  org_id: string;
  id: string;
  description: string;
  owner: string;
  environment: string;
  packs: string;
  scopes: string;
  planner: string;
  created_at: string;
}

export interface RunsTable {
  org_id: string;
  id: string;
  agent_id: string;
  requested_by: string;
  prompt: string;
  status: string;
  planner: string;
  input: string;
  tainted: DbBoolean;
  token_jti: string | null;
  reason: string | null;
  step_count: number;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface StepsTable {
  org_id: string;
  run_id: string;
  step_index: number;
  tool: string;
  args: string;
  status: string;
  decision: string | null;
  result: string;
  error: string | null;
  approval_id: string | null;
  model: string | null;
  created_at: string;
  updated_at: string;
}

export interface ApprovalsTable {
  org_id: string;
  id: string;
  run_id: string;
  step_index: number;
  tool: string;
  args: string;
  requested_by: string;
  approver_role: string;
  quorum: number;
  reason: string;
  status: string;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  details: string | null;
  forbidden_approvers: string | null;
}

export interface ApprovalDecisionsTable {
  org_id: string;
  approval_id: string;
  approver: string;
  decision: string;
  reason: string | null;
  decided_at: string;
}

export interface AuditLogTable {
  org_id: string;
  seq: DbInteger;
  entry: string;
  prev_hash: string;
  hash: string;
  run_id: string | null;
}

export interface RevocationsTable {
  org_id: string;
  jti: string;
  reason: string;
  revoked_at: string;
  expires_at: string;
}

export interface PolicySetsTable {
  org_id: string;
  version: number;
  digest: string;
  policies: string;
  created_by: string;
  created_at: string;
  active: DbBoolean;
}

/** Every table of the store's one schema. */
export interface Database
  extends
    AuditEvidenceTables,
    GuardPolicyTables,
    AccessTables,
    PackRecordTables,
    ApprovalDeliveryTables {
  organisations: OrganisationsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  agents: AgentsTable;
  runs: RunsTable;
  steps: StepsTable;
  approvals: ApprovalsTable;
  approval_decisions: ApprovalDecisionsTable;
  audit_log: AuditLogTable;
  revocations: RevocationsTable;
  policy_sets: PolicySetsTable;
}

/** Which SQL dialect a store speaks; the repositories branch on it in the few places it matters. */
export type DialectKind = 'sqlite' | 'postgres';
