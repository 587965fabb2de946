import type { AuditLog } from '../audit/index.js';
import type { CastellanConfig } from '../config/index.js';
import type { Clock } from '../core/index.js';
import type { ControlPlaneAction } from '../identity/index.js';
import type { RunEngine } from '../runtime/index.js';
import type { RunRecord, Store, UserRecord } from '../store/index.js';

/** What the identity-and-access services share, wired by CastellanService.open. */
export interface AccessContext {
  store: Store;
  audit: AuditLog;
  engine: RunEngine;
  config: CastellanConfig;
  orgId: string;
  clock: Clock;
  /** Throws ApiError 'forbidden' unless the actor may perform the action (Cedar). */
  permit(actor: UserRecord, action: ControlPlaneAction): void;
  /** Drives a run that can go on (a scope was granted), here or in the background. */
  resume(runId: string, mode: 'until-rest' | 'background'): Promise<RunRecord | undefined>;
}
