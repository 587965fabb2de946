/**
 * The packs room's records: the registry of published pack versions (archive and envelope kept
 * exactly as published), admissions per environment, quarantines, and the publisher keys trusted
 * per environment. Part of the store port; only store/ speaks SQL.
 */

/** One published version of a pack; `archive` is base64 of the archive bytes as published. */
export interface PackVersionRecord {
  orgId: string;
  name: string;
  version: string;
  digest: string; // sha256:<hex> of the archive
  manifestDigest: string;
  publisher: string; // the manifest's publisher
  signerKeyId: string; // the trusted key that verified at publication
  description: string;
  archive: string;
  envelope: string; // the DSSE envelope's JSON text
  publishedBy: string; // user id
  publishedAt: string;
}

/** A version admitted to an environment, and who admitted it. */
export interface PackAdmissionRecord {
  orgId: string;
  name: string;
  version: string;
  digest: string;
  environment: 'dev' | 'staging' | 'prod';
  approvers: string[]; // who approved (empty for dev, admitted on publication)
  approvalId: string | null;
  admittedBy: string; // who asked for it (the publisher on publication)
  admittedAt: string;
}

/** A quarantine of one version: active while releasedAt is null. */
export interface PackQuarantineRecord {
  orgId: string;
  name: string;
  version: string;
  reason: string;
  quarantinedBy: string;
  quarantinedAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
}

/** A publisher key trusted in one environment; removed keys stay, with who removed them. */
export interface TrustedKeyRecord {
  orgId: string;
  environment: 'dev' | 'staging' | 'prod';
  keyId: string;
  algorithm: string;
  publicKeyPem: string;
  publisher: string;
  names: string[];
  addedBy: string;
  addedAt: string;
  removedAt: string | null;
  removedBy: string | null;
  removalReason: string | null;
}

/** Pack versions (without their archive) for listings. */
export type PackVersionSummary = Omit<PackVersionRecord, 'archive' | 'envelope'>;

export interface PackRepository {
  /** Inserts a version; one name@version exists once (a second is a StoreError 'conflict'). */
  insertVersion(record: PackVersionRecord): Promise<void>;
  getVersion(orgId: string, name: string, version: string): Promise<PackVersionRecord | undefined>;
  /** Versions by name, then version text; without archives. */
  listVersions(orgId: string, filter?: { name?: string }): Promise<PackVersionSummary[]>;
  /** Admits a version to an environment (again: replaces the earlier admission). */
  admit(record: PackAdmissionRecord): Promise<void>;
  admissions(
    orgId: string,
    filter?: { name?: string; environment?: PackAdmissionRecord['environment'] },
  ): Promise<PackAdmissionRecord[]>;
  /** Quarantines a version (again: replaces the earlier quarantine, active). */
  quarantine(record: Omit<PackQuarantineRecord, 'releasedAt' | 'releasedBy'>): Promise<void>;
  /** Lifts an active quarantine; false when none was active. */
  release(orgId: string, name: string, version: string, by: string, at: string): Promise<boolean>;
  quarantines(orgId: string, filter?: { activeOnly?: boolean }): Promise<PackQuarantineRecord[]>;
  /** Trusts a key in an environment (again, after removal: trusts it anew). */
  addTrustedKey(
    record: Omit<TrustedKeyRecord, 'removedAt' | 'removedBy' | 'removalReason'>,
  ): Promise<void>;
  /** Removes trust in a key; false when it was not trusted there. */
  removeTrustedKey(
    orgId: string,
    environment: TrustedKeyRecord['environment'],
    keyId: string,
    removal: { by: string; at: string; reason: string },
  ): Promise<boolean>;
  trustedKeys(
    orgId: string,
    filter?: { environment?: TrustedKeyRecord['environment']; includeRemoved?: boolean },
  ): Promise<TrustedKeyRecord[]>;
}
