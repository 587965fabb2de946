/** The packs room's tables as Kysely sees them (see pack-records-port.ts). */

export interface PackVersionsTable {
  org_id: string;
  name: string;
  version: string;
  digest: string;
  manifest_digest: string;
  publisher: string;
  signer_key_id: string;
  description: string;
  archive: string;
  envelope: string;
  published_by: string;
  published_at: string;
}

export interface PackAdmissionsTable {
  org_id: string;
  name: string;
  version: string;
  digest: string;
  environment: string;
  approvers: string;
  approval_id: string | null;
  admitted_by: string;
  admitted_at: string;
}

export interface PackQuarantinesTable {
  org_id: string;
  name: string;
  version: string;
  reason: string;
  quarantined_by: string;
  quarantined_at: string;
  released_at: string | null;
  released_by: string | null;
}

export interface TrustedKeysTable {
  org_id: string;
  environment: string;
  key_id: string;
  algorithm: string;
  public_key_pem: string;
  publisher: string;
  names: string;
  added_by: string;
  added_at: string;
  removed_at: string | null;
  removed_by: string | null;
  removal_reason: string | null;
}

/** The packs tables, merged into the store's Database type. */
export interface PackRecordTables {
  pack_versions: PackVersionsTable;
  pack_admissions: PackAdmissionsTable;
  pack_quarantines: PackQuarantinesTable;
  trusted_keys: TrustedKeysTable;
}
