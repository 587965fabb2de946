import type { PackManifest } from '../manifest.js';
import { PackVerifyError } from './errors.js';
import { compareVersions } from './semver.js';

/** A version of the same pack already admitted where this one is going. */
export interface AdmittedVersion {
  version: string;
  digest: string;
}

/**
 * No rollback: a version lower than one already admitted is refused (an attacker replaying an
 * old, vulnerable but validly signed version), and one version number names one content only.
 */
export function checkRollback(
  manifest: PackManifest,
  archiveDigest: string,
  admitted: readonly AdmittedVersion[],
): void {
  for (const earlier of admitted) {
    if (earlier.version === manifest.version && earlier.digest !== archiveDigest) {
      throw new PackVerifyError(
        'version-conflict',
        `${manifest.name}@${manifest.version} is already admitted with digest ${earlier.digest}; a changed pack needs a new version`,
      );
    }
  }
  const highest = admitted
    .map((earlier) => earlier.version)
    .sort(compareVersions)
    .at(-1);
  if (highest !== undefined && compareVersions(manifest.version, highest) < 0) {
    throw new PackVerifyError(
      'version-rollback',
      `${manifest.name}@${manifest.version} is lower than ${highest}, already admitted`,
    );
  }
}
