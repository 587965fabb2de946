import { sha256Hex } from '../../core/index.js';
import type { ArchiveEntry } from '../archive/build-archive.js';
import { PackError } from '../errors.js';
import type { PackManifest } from '../manifest.js';
import { MANIFEST_FILE, parseManifest } from '../parse-manifest.js';
import type { PackStatement } from '../signing/statement.js';
import { PackVerifyError } from './errors.js';

/**
 * The manifest inside the archive must be the one the statement describes: same path, same
 * SHA-256, and the same name, version and publisher as the predicate and the subject name.
 */
export function checkManifest(
  statement: PackStatement,
  entries: readonly ArchiveEntry[],
): { manifest: PackManifest; manifestBytes: Buffer } {
  const { predicate } = statement;
  if (predicate.manifest.path !== MANIFEST_FILE) {
    throw new PackVerifyError(
      'manifest-mismatch',
      `the statement names the manifest ${JSON.stringify(predicate.manifest.path)}, not ${MANIFEST_FILE}`,
    );
  }
  const entry = entries.find((candidate) => candidate.path === MANIFEST_FILE);
  if (entry === undefined) {
    throw new PackVerifyError('invalid-manifest', `the archive holds no ${MANIFEST_FILE}`);
  }
  const actual = sha256Hex(entry.bytes);
  if (actual !== predicate.manifest.digest.sha256) {
    throw new PackVerifyError(
      'manifest-digest-mismatch',
      `the archive's manifest has SHA-256 ${actual}; the signed statement names ${predicate.manifest.digest.sha256}`,
    );
  }
  let manifest: PackManifest;
  try {
    manifest = parseManifest(entry.bytes, MANIFEST_FILE);
  } catch (error) {
    if (!(error instanceof PackError)) throw error;
    throw new PackVerifyError('invalid-manifest', error.message, { cause: error });
  }
  const stated = predicate.pack;
  const subjectName = statement.subject[0]?.name;
  if (
    stated.name !== manifest.name ||
    stated.version !== manifest.version ||
    stated.publisher !== manifest.publisher ||
    subjectName !== `${manifest.name}@${manifest.version}`
  ) {
    throw new PackVerifyError(
      'manifest-mismatch',
      `the manifest says ${manifest.name}@${manifest.version} by ${manifest.publisher}; the statement says ${stated.name}@${stated.version} by ${stated.publisher} (subject ${subjectName ?? 'none'})`,
    );
  }
  return { manifest, manifestBytes: entry.bytes };
}
