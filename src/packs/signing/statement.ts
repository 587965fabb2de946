import { canonicalJson, sha256Hex } from '../../core/index.js';
import type { PackManifest } from '../manifest.js';

/** The in-toto Statement v1 type. */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';

/** The predicate type Castellan signs for a pack build. */
export const PACK_PREDICATE_TYPE = 'https://castellan.dev/attestations/pack-build/v1';

/** What the signer states about one build. */
export interface PackPredicate {
  pack: { name: string; version: string; publisher: string };
  manifest: { path: string; digest: { sha256: string } };
  builder: { id: string };
  sourceRevision: string;
}

/** An in-toto Statement v1 about one pack archive. */
export interface PackStatement {
  _type: string;
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicateType: string;
  predicate: PackPredicate;
}

/** The statement for a built archive: subject = the archive's SHA-256, predicate = the build. */
export function packStatement(input: {
  archiveDigest: string;
  manifest: PackManifest;
  manifestBytes: Buffer;
  manifestPath: string;
  builder: string;
  sourceRevision: string;
}): PackStatement {
  const { manifest } = input;
  return {
    _type: STATEMENT_TYPE,
    subject: [
      {
        name: `${manifest.name}@${manifest.version}`,
        digest: { sha256: input.archiveDigest.replace(/^sha256:/, '') },
      },
    ],
    predicateType: PACK_PREDICATE_TYPE,
    predicate: {
      pack: { name: manifest.name, version: manifest.version, publisher: manifest.publisher },
      manifest: { path: input.manifestPath, digest: { sha256: sha256Hex(input.manifestBytes) } },
      builder: { id: input.builder },
      sourceRevision: input.sourceRevision,
    },
  };
}

/** The statement as the bytes that get signed (canonical JSON, so re-signing is reproducible). */
export function statementBytes(statement: PackStatement): Buffer {
  return Buffer.from(canonicalJson(statement), 'utf8');
}
