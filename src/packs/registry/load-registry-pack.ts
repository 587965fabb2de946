import type { Environment } from '../../config/index.js';
import type { Store } from '../../store/index.js';
import { decodeBase64Strict } from '../verify/base64.js';
import { PackVerifyError } from '../verify/errors.js';
import { verifyPack } from '../verify/verify-pack.js';
import { loadPackFromVerified } from '../load-pack.js';
import { PackError } from '../errors.js';
import type { LoadedPack } from '../types.js';
import { trustedKeysFor } from './registry-trust.js';

/**
 * Loads a published version from the store, verifying it again as if it came from outside: the
 * rows can be changed by anyone who reaches the database, so the archive's digest, the
 * signature by a key trusted in this environment and every archive check run on each load.
 */
export async function loadRegistryPack(
  store: Store,
  orgId: string,
  name: string,
  version: string,
  environment: Environment,
): Promise<LoadedPack> {
  const record = await store.packs.getVersion(orgId, name, version);
  if (record === undefined) {
    throw new PackError('unknown-tool', `${name}@${version} is not in the registry`);
  }
  const archive = decodeBase64Strict(record.archive);
  if (archive === undefined) {
    throw new PackVerifyError(
      'archive-malformed',
      `${name}@${version}: the stored archive is not base64`,
    );
  }
  const verified = verifyPack({
    archive,
    envelope: record.envelope,
    trustedKeys: await trustedKeysFor(store, orgId, environment),
  });
  if (
    verified.archiveDigest !== record.digest ||
    verified.manifest.name !== name ||
    verified.manifest.version !== version
  ) {
    throw new PackVerifyError(
      'subject-digest-mismatch',
      `${name}@${version}: the registry row says ${record.digest}, the stored archive is ${verified.manifest.name}@${verified.manifest.version} ${verified.archiveDigest}`,
    );
  }
  return loadPackFromVerified(verified, `registry:${name}@${version}`);
}
