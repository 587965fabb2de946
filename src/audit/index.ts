export { AuditLog, AuditError } from './audit-log.js';
export type { AuditErrorCode, AuditLogOptions } from './audit-log.js';
export { verifyChain } from './verify.js';
export type { ChainVerification } from './verify.js';
export { hashEntry } from './chain.js';
export { GENESIS_HASH } from './entry.js';
export type {
  AuditEntry,
  AuditEvent,
  AuditEventType,
  PayloadInput,
  PayloadRef,
  StageRecord,
} from './entry.js';
export { Checkpointer } from './checkpoint/checkpointer.js';
export type {
  CheckpointOutcome,
  CheckpointPolicy,
  CheckpointerDependencies,
} from './checkpoint/checkpointer.js';
export { checkpointBody, openCheckpoint, signCheckpoint } from './checkpoint/checkpoint-note.js';
export type { Checkpoint, OpenedCheckpoint } from './checkpoint/checkpoint-note.js';
export {
  formatVerifierKey,
  keyIdOf,
  openNote,
  parseVerifierKey,
  signNote,
} from './checkpoint/note.js';
export type { NoteSignature, NoteSigner, NoteVerifier } from './checkpoint/note.js';
export { ed25519Signer, ed25519SignerFromPem } from './checkpoint/signer.js';
export { createWitness, readWitnessFile, witnessLine } from './checkpoint/witness.js';
export type { WitnessPublisher, WitnessSettings } from './checkpoint/witness.js';
export { leafHash, nodeHash, toHex, fromHex } from './merkle/hashes.js';
export type { Hash } from './merkle/hashes.js';
export { StoredTree } from './merkle/stored-tree.js';
export { canonicalTextOf, storedEntryLeaf } from './canonical-text.js';
export { catchUp as catchUpTree } from './merkle/tree-sync.js';
export { verifyInclusion, verifyConsistency, rootFromInclusion } from './merkle/verify-proofs.js';
export { verifyLog } from './verify/verify-log.js';
export type { VerifyLogInput } from './verify/verify-log.js';
export type {
  LogVerification,
  VerificationCheck,
  VerificationCode,
  VerificationFailure,
} from './verify/verification.js';
export { pruneExpiredPayloads } from './retention/prune.js';
export type { PruneReport, RetentionDays } from './retention/prune.js';
export { checkHoldValue, formatHoldQuery, holdCovers, parseHoldQuery } from './retention/holds.js';
export type { HoldQuery } from './retention/holds.js';
export { exportLog, EXPORT_FORMAT } from './export/export-log.js';
export type { ExportOptions } from './export/export-log.js';
export { ocsfEvents, OCSF_VERSION } from './export/ocsf.js';
