import { CastellanError, type ErrorKind } from '../core/index.js';

export type ApprovalErrorCode =
  | 'not-found'
  | 'already-decided'
  | 'expired'
  | 'self-approval'
  | 'separation-of-duties'
  | 'missing-role'
  | 'duplicate-decision'
  | 'bad-link'
  | 'link-expired'
  | 'link-used';

const kinds: Record<ApprovalErrorCode, ErrorKind> = {
  'not-found': 'not-found',
  'already-decided': 'conflict',
  expired: 'conflict',
  'self-approval': 'forbidden',
  'separation-of-duties': 'forbidden',
  'missing-role': 'forbidden',
  'duplicate-decision': 'conflict',
  'bad-link': 'unauthenticated',
  'link-expired': 'unauthenticated',
  'link-used': 'conflict',
};

/** Errors of the approvals room. */
export class ApprovalError extends CastellanError<ApprovalErrorCode> {
  constructor(code: ApprovalErrorCode, message: string) {
    super('approvals', code, kinds[code], message);
  }
}
