export { redactSecrets } from './redact.js';
export type { RedactionReport } from './redact.js';
export { findSecretKinds, isSecretKeyName } from './secrets.js';
export { checkOutbound, checkInbound } from './data-check.js';
export type { OutboundCheck, InboundCheck } from './data-check.js';
