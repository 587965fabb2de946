import { readArchive } from '../archive/read-archive.js';
import { PackError } from '../errors.js';
import { MANIFEST_FILE, parseManifest } from '../parse-manifest.js';
import { sha256Hex } from '../../core/index.js';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope, type DsseEnvelope } from './dsse.js';
import type { ParsedKey } from './keys.js';
import { packStatement, statementBytes, type PackStatement } from './statement.js';

/** Who built the archive and from what, as the predicate records it. */
export interface BuildProvenance {
  builder: string;
  sourceRevision: string;
}

/**
 * Signs an archive: reads it as strictly as a verifier would (a publisher never signs what
 * Castellan would refuse), states its digest and manifest in an in-toto statement, and wraps
 * the statement in a DSSE envelope signed with the publisher's key.
 */
export function signPackArchive(
  archive: Buffer,
  key: ParsedKey,
  provenance: BuildProvenance,
): { envelope: DsseEnvelope; statement: PackStatement } {
  const entries = readArchive(archive);
  const manifestEntry = entries.find((entry) => entry.path === MANIFEST_FILE);
  if (manifestEntry === undefined)
    throw new PackError('invalid-manifest', `the archive holds no ${MANIFEST_FILE}`);
  const manifest = parseManifest(manifestEntry.bytes, MANIFEST_FILE);
  const statement = packStatement({
    archiveDigest: `sha256:${sha256Hex(archive)}`,
    manifest,
    manifestBytes: manifestEntry.bytes,
    manifestPath: MANIFEST_FILE,
    builder: provenance.builder,
    sourceRevision: provenance.sourceRevision,
  });
  return {
    envelope: signEnvelope(IN_TOTO_PAYLOAD_TYPE, statementBytes(statement), key),
    statement,
  };
}
