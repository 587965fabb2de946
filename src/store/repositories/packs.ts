import type { Selectable } from 'kysely';
import type {
  PackAdmissionRecord,
  PackQuarantineRecord,
  PackRepository,
  PackVersionRecord,
  PackVersionSummary,
  TrustedKeyRecord,
} from '../pack-records-port.js';
import type {
  PackAdmissionsTable,
  PackQuarantinesTable,
  PackVersionsTable,
  TrustedKeysTable,
} from '../pack-records-tables.js';
import { fromJson, toJson, type RepositoryContext } from './context.js';

function toSummary(
  row: Omit<Selectable<PackVersionsTable>, 'archive' | 'envelope'>,
): PackVersionSummary {
  return {
    orgId: row.org_id,
    name: row.name,
    version: row.version,
    digest: row.digest,
    manifestDigest: row.manifest_digest,
    publisher: row.publisher,
    signerKeyId: row.signer_key_id,
    description: row.description,
    publishedBy: row.published_by,
    publishedAt: row.published_at,
  };
}

function toAdmission(row: Selectable<PackAdmissionsTable>): PackAdmissionRecord {
  return {
    orgId: row.org_id,
    name: row.name,
    version: row.version,
    digest: row.digest,
    environment: row.environment as PackAdmissionRecord['environment'],
    approvers: fromJson<string[]>(row.approvers),
    approvalId: row.approval_id,
    admittedBy: row.admitted_by,
    admittedAt: row.admitted_at,
  };
}

function toQuarantine(row: Selectable<PackQuarantinesTable>): PackQuarantineRecord {
  return {
    orgId: row.org_id,
    name: row.name,
    version: row.version,
    reason: row.reason,
    quarantinedBy: row.quarantined_by,
    quarantinedAt: row.quarantined_at,
    releasedAt: row.released_at,
    releasedBy: row.released_by,
  };
}

function toTrustedKey(row: Selectable<TrustedKeysTable>): TrustedKeyRecord {
  return {
    orgId: row.org_id,
    environment: row.environment as TrustedKeyRecord['environment'],
    keyId: row.key_id,
    algorithm: row.algorithm,
    publicKeyPem: row.public_key_pem,
    publisher: row.publisher,
    names: fromJson<string[]>(row.names),
    addedBy: row.added_by,
    addedAt: row.added_at,
    removedAt: row.removed_at,
    removedBy: row.removed_by,
    removalReason: row.removal_reason,
  };
}

const summaryColumns = [
  'org_id',
  'name',
  'version',
  'digest',
  'manifest_digest',
  'publisher',
  'signer_key_id',
  'description',
  'published_by',
  'published_at',
] as const;

/** The pack registry, admissions, quarantines and trusted keys. */
export function packRepository(context: RepositoryContext): PackRepository {
  const { db } = context;
  return {
    async insertVersion(record) {
      await db
        .insertInto('pack_versions')
        .values({
          org_id: record.orgId,
          name: record.name,
          version: record.version,
          digest: record.digest,
          manifest_digest: record.manifestDigest,
          publisher: record.publisher,
          signer_key_id: record.signerKeyId,
          description: record.description,
          archive: record.archive,
          envelope: record.envelope,
          published_by: record.publishedBy,
          published_at: record.publishedAt,
        })
        .execute();
    },

    async getVersion(orgId, name, version) {
      const row = await db
        .selectFrom('pack_versions')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('name', '=', name)
        .where('version', '=', version)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const record: PackVersionRecord = {
        ...toSummary(row),
        archive: row.archive,
        envelope: row.envelope,
      };
      return record;
    },

    async listVersions(orgId, filter = {}) {
      let query = db.selectFrom('pack_versions').select(summaryColumns).where('org_id', '=', orgId);
      if (filter.name !== undefined) query = query.where('name', '=', filter.name);
      const rows = await query.orderBy('name').orderBy('published_at').orderBy('version').execute();
      return rows.map(toSummary);
    },

    async admit(record) {
      const values = {
        org_id: record.orgId,
        name: record.name,
        version: record.version,
        digest: record.digest,
        environment: record.environment,
        approvers: toJson(record.approvers),
        approval_id: record.approvalId,
        admitted_by: record.admittedBy,
        admitted_at: record.admittedAt,
      };
      await db
        .insertInto('pack_admissions')
        .values(values)
        .onConflict((conflict) =>
          conflict.columns(['org_id', 'name', 'version', 'environment']).doUpdateSet({
            digest: values.digest,
            approvers: values.approvers,
            approval_id: values.approval_id,
            admitted_by: values.admitted_by,
            admitted_at: values.admitted_at,
          }),
        )
        .execute();
    },

    async admissions(orgId, filter = {}) {
      let query = db.selectFrom('pack_admissions').selectAll().where('org_id', '=', orgId);
      if (filter.name !== undefined) query = query.where('name', '=', filter.name);
      if (filter.environment !== undefined)
        query = query.where('environment', '=', filter.environment);
      const rows = await query.orderBy('name').orderBy('version').orderBy('environment').execute();
      return rows.map(toAdmission);
    },

    async quarantine(record) {
      const values = {
        org_id: record.orgId,
        name: record.name,
        version: record.version,
        reason: record.reason,
        quarantined_by: record.quarantinedBy,
        quarantined_at: record.quarantinedAt,
        released_at: null,
        released_by: null,
      };
      await db
        .insertInto('pack_quarantines')
        .values(values)
        .onConflict((conflict) =>
          conflict.columns(['org_id', 'name', 'version']).doUpdateSet({
            reason: values.reason,
            quarantined_by: values.quarantined_by,
            quarantined_at: values.quarantined_at,
            released_at: null,
            released_by: null,
          }),
        )
        .execute();
    },

    async release(orgId, name, version, by, at) {
      const result = await db
        .updateTable('pack_quarantines')
        .set({ released_at: at, released_by: by })
        .where('org_id', '=', orgId)
        .where('name', '=', name)
        .where('version', '=', version)
        .where('released_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async quarantines(orgId, filter = {}) {
      let query = db.selectFrom('pack_quarantines').selectAll().where('org_id', '=', orgId);
      if (filter.activeOnly === true) query = query.where('released_at', 'is', null);
      const rows = await query.orderBy('name').orderBy('version').execute();
      return rows.map(toQuarantine);
    },

    async addTrustedKey(record) {
      const values = {
        org_id: record.orgId,
        environment: record.environment,
        key_id: record.keyId,
        algorithm: record.algorithm,
        public_key_pem: record.publicKeyPem,
        publisher: record.publisher,
        names: toJson(record.names),
        added_by: record.addedBy,
        added_at: record.addedAt,
        removed_at: null,
        removed_by: null,
        removal_reason: null,
      };
      await db
        .insertInto('trusted_keys')
        .values(values)
        .onConflict((conflict) =>
          conflict.columns(['org_id', 'environment', 'key_id']).doUpdateSet({
            algorithm: values.algorithm,
            public_key_pem: values.public_key_pem,
            publisher: values.publisher,
            names: values.names,
            added_by: values.added_by,
            added_at: values.added_at,
            removed_at: null,
            removed_by: null,
            removal_reason: null,
          }),
        )
        .execute();
    },

    async removeTrustedKey(orgId, environment, keyId, removal) {
      const result = await db
        .updateTable('trusted_keys')
        .set({ removed_at: removal.at, removed_by: removal.by, removal_reason: removal.reason })
        .where('org_id', '=', orgId)
        .where('environment', '=', environment)
        .where('key_id', '=', keyId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async trustedKeys(orgId, filter = {}) {
      let query = db.selectFrom('trusted_keys').selectAll().where('org_id', '=', orgId);
      if (filter.environment !== undefined)
        query = query.where('environment', '=', filter.environment);
      if (filter.includeRemoved !== true) query = query.where('removed_at', 'is', null);
      const rows = await query
        .orderBy('environment')
        .orderBy('added_at')
        .orderBy('key_id')
        .execute();
      return rows.map(toTrustedKey);
    },
  };
}
