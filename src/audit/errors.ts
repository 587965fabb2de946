import { CastellanError, type ErrorKind } from '../core/index.js';

/** The ways the audit room fails on purpose. */
export type AuditErrorCode =
  | 'append-failed' // the entry is not in the log: the action it records must not happen
  | 'corrupt-row'
  | 'tree-incomplete' // the stored Merkle tree lacks a node it should hold
  | 'tree-inconsistent' // the stored tree contradicts a signed checkpoint: never sign over it
  | 'checkpoint-failed'
  | 'not-checkpointed' // no checkpoint covers the entry or size asked for yet
  | 'out-of-range'
  | 'bad-note' // a signed note or verifier key that does not parse
  | 'witness-failed'
  | 'bad-hold';

const kinds: Record<AuditErrorCode, ErrorKind> = {
  'append-failed': 'unavailable',
  'corrupt-row': 'internal',
  'tree-incomplete': 'unavailable',
  'tree-inconsistent': 'conflict',
  'checkpoint-failed': 'unavailable',
  'not-checkpointed': 'conflict',
  'out-of-range': 'not-found',
  'bad-note': 'bad-input',
  'witness-failed': 'unavailable',
  'bad-hold': 'bad-input',
};

/** Errors of the audit room. An append failure must stop the action it would have recorded. */
export class AuditError extends CastellanError<AuditErrorCode> {
  constructor(code: AuditErrorCode, message: string, cause?: unknown) {
    super('audit', code, kinds[code], message, { cause });
    this.name = 'AuditError';
  }
}
