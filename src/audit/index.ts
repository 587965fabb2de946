export { AuditLog, AuditError } from './audit-log.js';
export type { AuditErrorCode } from './audit-log.js';
export { verifyChain } from './verify.js';
export type { ChainVerification } from './verify.js';
export { hashEntry } from './chain.js';
export { GENESIS_HASH } from './entry.js';
export type { AuditEntry, AuditEvent, AuditEventType, StageRecord } from './entry.js';
