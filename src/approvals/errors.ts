import { CastellanError, type ErrorKind } from '../core/index.js';

export type ApprovalErrorCode =
  | 'not-found'
  | 'already-decided'
  | 'expired'
  | 'self-approval'
  | 'missing-role'
  | 'duplicate-decision';

const kinds: Record<ApprovalErrorCode, ErrorKind> = {
  'not-found': 'not-found',
  'already-decided': 'conflict',
  expired: 'conflict',
  'self-approval': 'forbidden',
  'missing-role': 'forbidden',
  'duplicate-decision': 'conflict',
};

/** Errors of the approvals room. */
export class ApprovalError extends CastellanError<ApprovalErrorCode> {
  constructor(code: ApprovalErrorCode, message: string) {
    super('approvals', code, kinds[code], message);
  }
}
