import type { DbInteger } from './database.js';

/** One placeholder of a run's redaction vault (migration 0005). */
export interface GuardVaultTable {
  org_id: string;
  run_id: string;
  placeholder: string;
  data_class: string;
  value: string;
  digest: string;
  created_at: string;
}

/** Bytes and records a run has sent, per destination; destination `*` is the run's total. */
export interface EgressCountersTable {
  org_id: string;
  run_id: string;
  destination: string;
  bytes: DbInteger;
  records: DbInteger;
  updated_at: string;
}

/** The candidate policy set decided beside the enforced one, one row per organisation. */
export interface PolicyShadowTable {
  org_id: string;
  version: number;
  set_by: string;
  set_at: string;
}

/** The tables migration 0005 adds for the guard and policy governance. */
export interface GuardPolicyTables {
  guard_vault: GuardVaultTable;
  egress_counters: EgressCountersTable;
  policy_shadow: PolicyShadowTable;
}
