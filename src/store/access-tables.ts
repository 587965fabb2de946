import type { DbBoolean } from './database.js';

/** grants: standing and just-in-time scope grants of agents, each approved by an admin. */
export interface GrantsTable {
  org_id: string;
  id: string;
  kind: string;
  agent_id: string;
  environment: string;
  scopes: string;
  run_id: string | null;
  request_id: string | null;
  reason: string;
  requested_by: string;
  approved_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

/** scope_requests: asks for a scope an agent does not hold, waiting for an admin. */
export interface ScopeRequestsTable {
  org_id: string;
  id: string;
  kind: string;
  agent_id: string;
  environment: string;
  run_id: string | null;
  step_index: number | null;
  scope: string;
  resource: string | null;
  reason: string;
  duration_seconds: number;
  requested_by: string;
  run_requested_by: string | null;
  status: string;
  created_at: string;
  expires_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  granted_scope: string | null;
  granted_seconds: number | null;
  grant_id: string | null;
}

/** issued_tokens: every capability token minted, by jti, so it can be listed and revoked. */
export interface IssuedTokensTable {
  org_id: string;
  jti: string;
  run_id: string;
  user_id: string;
  agent_id: string;
  scopes: string;
  grant_ids: string;
  issued_at: string;
  expires_at: string;
}

/** revocation_epochs: tokens of a subject issued at or before `not_before` are dead. */
export interface RevocationEpochsTable {
  org_id: string;
  id: string;
  subject_kind: string;
  subject_id: string;
  not_before: string;
  reason: string;
  created_by: string;
  created_at: string;
}

/** kill_switch: one row per organisation once it was first set. */
export interface KillSwitchTable {
  org_id: string;
  engaged: DbBoolean;
  reason: string;
  changed_by: string;
  changed_at: string;
}

/** The tables identity and access add to the store's schema. */
export interface AccessTables {
  grants: GrantsTable;
  scope_requests: ScopeRequestsTable;
  issued_tokens: IssuedTokensTable;
  revocation_epochs: RevocationEpochsTable;
  kill_switch: KillSwitchTable;
}
