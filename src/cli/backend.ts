import type { AuditEntry, LogVerification } from '../audit/index.js';
import type { ApprovalView, RunView } from '../api/index.js';
import type { AgentRecord, ApprovalRecord, RunRecord } from '../store/index.js';

/** What the CLI needs from Castellan, in-process or over HTTP: the same calls either way. */
export interface Backend {
  readonly kind: 'embedded' | 'http';
  startRun(request: Record<string, unknown>): Promise<RunView>;
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
