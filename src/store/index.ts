/** The store room: every durable record behind one port, on SQLite or PostgreSQL. */
export type {
  RunStatus,
  StepStatus,
  ApprovalStatus,
  UserRecord,
  ApiKeyRecord,
  AgentRecord,
  RunRecord,
  StepRecord,
  ApprovalRecord,
  ApprovalDecisionRecord,
  AuditRow,
  RevocationRecord,
  PolicySetRecord,
  UserRepository,
  ApiKeyRepository,
  AgentRepository,
  RunRepository,
  StepRepository,
  ApprovalRepository,
  AuditRepository,
  RevocationRepository,
  PolicyRepository,
  OrganisationRepository,
  Store,
} from './port.js';
export type {
  AuditPayloadRepository,
  AuditTreeRepository,
  BlobRecord,
  BlobRefRecord,
  CheckpointRecord,
  HoldRecord,
  PayloadClass,
  RawAuditRow,
  TreeNodeRecord,
} from './audit-evidence-port.js';
export type {
  ApprovalDeliveryRepository,
  ApprovalLinkUseRecord,
  NotificationRecord,
  NotificationStatus,
} from './approval-delivery-port.js';
export type {
  EgressAmount,
  EgressCharge,
  EgressCounterRepository,
  EgressTotals,
  GuardVaultRepository,
  PolicyGovernanceRepository,
  PolicyShadowRecord,
  VaultRecord,
} from './guard-policy-port.js';
export type {
  EpochSubject,
  GrantKind,
  GrantRecord,
  GrantRepository,
  IssuedTokenRecord,
  IssuedTokenRepository,
  KillSwitchRecord,
  RevocationEpochRecord,
  RevocationStateRepository,
  RevocationStatus,
  ScopeRequestRecord,
  ScopeRequestRepository,
  ScopeRequestSettlement,
  ScopeRequestStatus,
} from './access-port.js';
export type {
  PackAdmissionRecord,
  PackQuarantineRecord,
  PackRepository,
  PackVersionRecord,
  PackVersionSummary,
  TrustedKeyRecord,
} from './pack-records-port.js';
export { StoreError } from './errors.js';
export type { StoreErrorCode } from './errors.js';
export { openStore } from './open-store.js';
export type { StoreSettings } from './open-store.js';
export { openSqliteStore } from './sqlite/open-sqlite-store.js';
export { openPostgresStore } from './postgres/open-postgres-store.js';
export type { PostgresStoreOptions } from './postgres/open-postgres-store.js';
