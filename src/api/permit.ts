import type { ControlPlaneAction } from '../identity/index.js';
import type { UserRecord } from '../store/index.js';
import { permitControlPlane } from './control-plane-authorizer.js';

/** Throws ApiError 'forbidden' unless the user may perform the control-plane action (Cedar). */
export function permit(actor: UserRecord, action: ControlPlaneAction): void {
  permitControlPlane(actor, action);
}
