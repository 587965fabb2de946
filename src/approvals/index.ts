export { Approvals } from './approvals.js';
export type { ApprovalRequestInput, DecisionOutcome } from './approvals.js';
export { ApprovalError } from './errors.js';
export type { ApprovalErrorCode } from './errors.js';
export { tally, whyCannotDecide, holdsApproverRole, describeStake } from './rules.js';
export { issueLinkToken, readLinkToken, MAX_LINK_TOKEN_LENGTH } from './links.js';
export type { LinkClaims, LinkSigner } from './links.js';
export { approverLinks, LINK_PATH } from './notifications/approver-links.js';
export type { LinkSettings } from './notifications/approver-links.js';
export {
  renderNotification,
  renderJson,
  renderSlack,
  renderTeams,
} from './notifications/render.js';
export type { ApproverLinks, NotificationContent, WebhookFormat } from './notifications/render.js';
export { NotificationDispatcher, backoffMs } from './notifications/dispatcher.js';
export type { DispatcherDependencies, NotificationEvent } from './notifications/dispatcher.js';
