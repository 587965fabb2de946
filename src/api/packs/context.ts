import type { AuditLog } from '../../audit/index.js';
import type { Approvals } from '../../approvals/index.js';
import type { Environment } from '../../config/index.js';
import type { Clock } from '../../core/index.js';
import type { ControlPlaneAction } from '../../identity/index.js';
import type { PackCatalog, PackGuard } from '../../packs/index.js';
import type { Store, UserRecord } from '../../store/index.js';

/** What the pack operations share with the application service. */
export interface PackServiceContext {
  store: Store;
  audit: AuditLog;
  approvals: Approvals;
  catalog: PackCatalog;
  guard: PackGuard;
  orgId: string;
  environment: Environment;
  clock: Clock;
  approvalExpirySeconds: number;
  /** Throws a forbidden ApiError unless the actor may take the action. */
  permit(actor: UserRecord, action: ControlPlaneAction): void;
}
