import { CastellanError, type ErrorKind } from '../../core/index.js';

/**
 * Why a pack archive or its signature was refused: one code per check, so a refusal names the
 * check that failed and tests can assert exactly which one did.
 */
export type PackVerifyErrorCode =
  | 'malformed-envelope'
  | 'payload-type-not-allowed'
  | 'no-trusted-keys'
  | 'signature-not-trusted'
  | 'malformed-statement'
  | 'predicate-type-not-allowed'
  | 'subject-digest-mismatch'
  | 'manifest-digest-mismatch'
  | 'manifest-mismatch'
  | 'invalid-manifest'
  | 'publisher-not-allowed'
  | 'version-rollback'
  | 'version-conflict'
  | 'archive-malformed'
  | 'archive-not-canonical'
  | 'archive-path-traversal'
  | 'archive-bad-path'
  | 'archive-link-entry'
  | 'archive-special-entry'
  | 'archive-unsupported-entry'
  | 'archive-entry-too-large'
  | 'archive-too-large'
  | 'archive-too-many-entries'
  | 'archive-duplicate-entry';

const badInput = new Set<PackVerifyErrorCode>([
  'malformed-envelope',
  'malformed-statement',
  'invalid-manifest',
  'archive-malformed',
]);

/** A failed verification check; `code` names the check, the message says what was found. */
export class PackVerifyError extends CastellanError<PackVerifyErrorCode> {
  constructor(
    code: PackVerifyErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    const kind: ErrorKind = badInput.has(code) ? 'bad-input' : 'denied';
    super('packs', code, kind, message, options);
    this.name = 'PackVerifyError';
  }
}
