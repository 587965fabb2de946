import { isCastellanError } from '../../core/index.js';
import type { ArchiveEntry } from '../archive/build-archive.js';
import { readArchive } from '../archive/read-archive.js';
import type { PackManifest } from '../manifest.js';
import type { PackStatement } from '../signing/statement.js';
import { checkEnvelope } from './check-envelope.js';
import { checkManifest } from './check-manifest.js';
import { checkPayloadType } from './check-payload-type.js';
import { checkPublisher } from './check-publisher.js';
import { checkRollback, type AdmittedVersion } from './check-rollback.js';
import { checkSignature } from './check-signature.js';
import { checkStatement } from './check-statement.js';
import { checkSubject } from './check-subject.js';
import { PackVerifyError } from './errors.js';
import type { TrustedKey } from './trusted-key.js';

/** What verification needs: the archive, its envelope, the trust and what is already admitted. */
export interface VerifyPackInput {
  archive: Buffer;
  /** The DSSE envelope's JSON text: attacker-controlled. */
  envelope: string | Buffer;
  trustedKeys: readonly TrustedKey[];
  /** Versions of the same pack admitted where this one goes (for the rollback check). */
  admitted?: (name: string) => readonly AdmittedVersion[];
}

/** A pack that passed every check. */
export interface VerifiedPack {
  archiveDigest: string;
  manifest: PackManifest;
  manifestDigest: string;
  entries: ArchiveEntry[];
  statement: PackStatement;
  signer: TrustedKey;
}

/** One check's outcome, for `packs verify --json`. */
export interface CheckOutcome {
  check: string;
  ok: boolean;
  code?: string;
  message?: string;
}

/**
 * Verifies a pack offline, in order: envelope shape, payload type, signature over PAE by a
 * trusted key, statement and predicate type, subject digest, archive entries, manifest against
 * the predicate, publisher allowed for the name, no rollback. Stops at the first failure; the
 * report lists every check that ran.
 */
export function verifyPackReport(input: VerifyPackInput): {
  checks: CheckOutcome[];
  result: VerifiedPack | undefined;
  error: PackVerifyError | undefined;
} {
  const checks: CheckOutcome[] = [];
  const step = <T>(check: string, work: () => T): T => {
    try {
      const value = work();
      checks.push({ check, ok: true });
      return value;
    } catch (error) {
      const verifyError =
        error instanceof PackVerifyError
          ? error
          : new PackVerifyError(
              'malformed-envelope',
              isCastellanError(error) ? error.message : String(error),
              {
                cause: error,
              },
            );
      checks.push({ check, ok: false, code: verifyError.code, message: verifyError.message });
      throw verifyError;
    }
  };
  try {
    const envelope = step('envelope', () => checkEnvelope(input.envelope));
    step('payload-type', () => checkPayloadType(envelope.payloadType));
    const signers = step('signature', () => checkSignature(envelope, input.trustedKeys));
    const statement = step('statement', () => checkStatement(envelope.payload));
    const archiveDigest = step('subject', () => checkSubject(statement, input.archive));
    const entries = step('archive', () => readArchive(input.archive));
    const { manifest } = step('manifest', () => checkManifest(statement, entries));
    const signer = step('publisher', () => checkPublisher(signers, manifest));
    step('rollback', () =>
      checkRollback(manifest, archiveDigest, input.admitted?.(manifest.name) ?? []),
    );
    const manifestDigest = `sha256:${statement.predicate.manifest.digest.sha256}`;
    return {
      checks,
      result: { archiveDigest, manifest, manifestDigest, entries, statement, signer },
      error: undefined,
    };
  } catch (error) {
    if (!(error instanceof PackVerifyError)) throw error;
    return { checks, result: undefined, error };
  }
}

/** Verifies a pack; throws the first failed check's PackVerifyError. */
export function verifyPack(input: VerifyPackInput): VerifiedPack {
  const report = verifyPackReport(input);
  if (report.result === undefined)
    throw report.error ?? new PackVerifyError('malformed-envelope', 'unverified');
  return report.result;
}
