import { CastellanService, ApiError } from '../api/index.js';
import type { ApprovalRecord, RunStatus, UserRecord } from '../store/index.js';
import { embeddedAccess } from './access-backend.js';
import type { Backend, RunEventListener } from './backend.js';
import { followEmbedded } from './embedded-follow.js';

/** The CLI working in-process on the home's store, acting as a local user. */
export class EmbeddedBackend implements Backend {
  readonly kind = 'embedded';
  /** Identity and access, as the `--as` user. */
  readonly access = embeddedAccess(
    () => this.service,
    () => this.user,
  );

  private constructor(
    private readonly service: CastellanService,
    private readonly actor: UserRecord | undefined,
  ) {}

  /** Opens the home and authenticates `as` with its local key from the home. */
  static async open(home: string, as: string | undefined): Promise<EmbeddedBackend> {
    const service = await CastellanService.open(home);
    try {
      const actor = as === undefined ? undefined : await service.localUser(as);
      return new EmbeddedBackend(service, actor);
    } catch (error) {
      await service.close();
      throw error;
    }
  }

  private get user(): UserRecord {
    if (this.actor === undefined)
      throw new ApiError('bad-input', 'this command acts as a user: pass --as USER');
    return this.actor;
  }

  startRun(request: Record<string, unknown>, mode: 'until-rest' | 'background' = 'until-rest') {
    return this.service.startRun(this.user, request, mode);
  }
  followRun(runId: string, onEvent: RunEventListener) {
    return followEmbedded(this.service, this.user, runId, onEvent);
  }
  getRun(runId: string) {
    return this.service.getRun(this.user, runId);
  }
  listRuns(filter: { status?: string[]; limit?: number }) {
    return this.service.listRuns(this.user, {
      ...filter,
      status: filter.status as RunStatus[] | undefined,
    });
  }
  cancelRun(runId: string, reason: string) {
    return this.service.cancelRun(this.user, runId, reason);
  }
  listApprovals(filter: { status?: string[]; runId?: string }) {
    return this.service.listApprovals(this.user, {
      ...filter,
      status: filter.status as ApprovalRecord['status'][] | undefined,
    });
  }
  getApproval(approvalId: string) {
    return this.service.getApproval(this.user, approvalId);
  }
  decide(approvalId: string, decision: 'approve' | 'deny', reason?: string) {
    return this.service.decideApproval(this.user, approvalId, {
      decision,
      ...(reason === undefined ? {} : { reason }),
    });
  }
  verifyAudit() {
    return this.service.verifyAudit(this.user);
  }
  auditEntries(filter: { runId?: string; fromSeq?: number; limit?: number }) {
    return this.service.auditEntries(this.user, filter);
  }
  listAgents() {
    return this.service.listAgents(this.user);
  }
  close() {
    return this.service.close();
  }
}
