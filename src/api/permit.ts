import type { ControlPlaneAction } from '../identity/index.js';
import type { UserRecord } from '../store/index.js';
import { ControlPlaneAuthorizer } from './control-plane-authorizer.js';
import { ApiError } from './errors.js';

// One Cedar engine per process, generated from the control-plane table at first use.
let authorizer: ControlPlaneAuthorizer | undefined;

/** Throws ApiError 'forbidden' unless Cedar, from the control-plane table, allows the action. */
export function permit(actor: UserRecord, action: ControlPlaneAction): void {
  authorizer ??= ControlPlaneAuthorizer.create();
  const decision = authorizer.decide(actor, action);
  if (decision.effect === 'deny')
    throw new ApiError('forbidden', `${actor.id} may not ${action}: ${decision.reason}`);
}
