export { Approvals } from './approvals.js';
export type { ApprovalRequestInput, DecisionOutcome } from './approvals.js';
export { ApprovalError } from './errors.js';
export type { ApprovalErrorCode } from './errors.js';
export { tally, whyCannotDecide, holdsApproverRole } from './rules.js';
