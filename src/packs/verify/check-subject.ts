import { sha256Hex } from '../../core/index.js';
import type { PackStatement } from '../signing/statement.js';
import { PackVerifyError } from './errors.js';

/**
 * The statement's subject must be exactly these archive bytes: any change to the archive after
 * signing (a byte flipped, a file added) changes its SHA-256. Returns `sha256:<hex>`.
 */
export function checkSubject(statement: PackStatement, archive: Buffer): string {
  const actual = sha256Hex(archive);
  const claimed = statement.subject[0]?.digest.sha256;
  if (claimed !== actual) {
    throw new PackVerifyError(
      'subject-digest-mismatch',
      `the archive's SHA-256 is ${actual}, the signed statement names ${claimed ?? 'none'}`,
    );
  }
  return `sha256:${actual}`;
}
