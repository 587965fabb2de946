import type { Environment } from '../../config/index.js';
import type { PackVersionRecord, Store } from '../../store/index.js';
import { PackError } from '../errors.js';
import { decodeBase64Strict } from '../verify/base64.js';
import { PackVerifyError } from '../verify/errors.js';
import { verifyPack, type VerifiedPack } from '../verify/verify-pack.js';
import { admittedVersionsFor, trustedKeysFor } from './registry-trust.js';

/**
 * Publishes a signed archive: verifies it fully against the keys trusted in `dev` (and no
 * rollback below a version admitted there), stores archive and envelope exactly as given, and
 * admits the version to `dev`, in one transaction. The archive and envelope are
 * attacker-controlled until verified.
 */
export async function publishPack(
  store: Store,
  orgId: string,
  input: { archive: Buffer; envelope: string; publishedBy: string; at: string },
): Promise<{ record: PackVersionRecord; verified: VerifiedPack }> {
  return store.transaction(async (transaction) => {
    const verified = verifyPack({
      archive: input.archive,
      envelope: input.envelope,
      trustedKeys: await trustedKeysFor(transaction, orgId, 'dev'),
      admitted: await admittedVersionsFor(transaction, orgId, 'dev'),
    });
    const { manifest } = verified;
    const existing = await transaction.packs.getVersion(orgId, manifest.name, manifest.version);
    if (existing !== undefined) {
      throw new PackVerifyError(
        'version-conflict',
        `${manifest.name}@${manifest.version} is already published (${existing.digest}); publish a new version`,
      );
    }
    const record: PackVersionRecord = {
      orgId,
      name: manifest.name,
      version: manifest.version,
      digest: verified.archiveDigest,
      manifestDigest: verified.manifestDigest,
      publisher: manifest.publisher,
      signerKeyId: verified.signer.keyId,
      description: manifest.description,
      archive: input.archive.toString('base64'),
      envelope: input.envelope,
      publishedBy: input.publishedBy,
      publishedAt: input.at,
    };
    await transaction.packs.insertVersion(record);
    await transaction.packs.admit({
      orgId,
      name: record.name,
      version: record.version,
      digest: record.digest,
      environment: 'dev',
      approvers: [],
      approvalId: null,
      admittedBy: input.publishedBy,
      admittedAt: input.at,
    });
    return { record, verified };
  });
}

/**
 * Verifies a published version again for admission to `environment`: its stored bytes, a
 * signature by a key trusted there, the publisher's right to the name there, and no rollback
 * below what that environment already runs.
 */
export async function verifyForEnvironment(
  store: Store,
  orgId: string,
  name: string,
  version: string,
  environment: Environment,
): Promise<{ record: PackVersionRecord; verified: VerifiedPack }> {
  const record = await store.packs.getVersion(orgId, name, version);
  if (record === undefined)
    throw new PackError('unknown-tool', `${name}@${version} is not published`);
  const archive = decodeBase64Strict(record.archive);
  if (archive === undefined)
    throw new PackVerifyError(
      'archive-malformed',
      `${name}@${version}: the stored archive is not base64`,
    );
  const verified = verifyPack({
    archive,
    envelope: record.envelope,
    trustedKeys: await trustedKeysFor(store, orgId, environment),
    admitted: await admittedVersionsFor(store, orgId, environment),
  });
  if (verified.archiveDigest !== record.digest) {
    throw new PackVerifyError(
      'subject-digest-mismatch',
      `${name}@${version}: the registry row says ${record.digest}, the stored archive is ${verified.archiveDigest}`,
    );
  }
  return { record, verified };
}
