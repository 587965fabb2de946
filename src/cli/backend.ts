import type { AuditEntry, LogVerification } from '../audit/index.js';
import type { ApprovalView, RunView } from '../api/index.js';
import type { AgentRecord, ApprovalRecord, RunRecord } from '../store/index.js';
import type { AccessBackend } from './access-backend.js';

/** One event of a run as it streams: `audit`, `status`, `model-delta`, `model-text`, ... */
export type RunEventListener = (event: string, data: unknown) => void;

/** What the CLI needs from Castellan, in-process or over HTTP: the same calls either way. */
export interface Backend {
  readonly kind: 'embedded' | 'http';
  /** Users and keys, grants, tokens and the kill switch. */
  readonly access: AccessBackend;
  /** `background` answers at once; `until-rest` (the default) when the run ends or waits. */
  startRun(request: Record<string, unknown>, mode?: 'until-rest' | 'background'): Promise<RunView>;
  /** Streams a run's events until it rests (ends, or waits for people); returns its view. */
  followRun(runId: string, onEvent: RunEventListener): Promise<RunView>;
  getRun(runId: string): Promise<RunView>;
  listRuns(filter: { status?: string[]; limit?: number }): Promise<RunRecord[]>;
  cancelRun(runId: string, reason: string): Promise<RunView>;
  listApprovals(filter: { status?: string[]; runId?: string }): Promise<ApprovalRecord[]>;
  getApproval(approvalId: string): Promise<ApprovalView>;
  decide(
    approvalId: string,
    decision: 'approve' | 'deny',
    reason?: string,
  ): Promise<ApprovalView & { run: RunRecord }>;
  verifyAudit(): Promise<LogVerification>;
  auditEntries(filter: { runId?: string; fromSeq?: number; limit?: number }): Promise<AuditEntry[]>;
  listAgents(): Promise<AgentRecord[]>;
  close(): Promise<void>;
}
