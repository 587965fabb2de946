import type { UserRecord } from '../store/index.js';
import { effectiveRoles, isDomainApproverRole } from './roles.js';
import type { FixedRole, Role } from './roles.js';

/** In the table, `approver:*` stands for every domain approver role (`approver:<domain>`). */
export type RoleGrant = FixedRole | 'approver:*';

const everyRole = [
  'admin',
  'security-admin',
  'publisher',
  'approver',
  'approver:*',
  'operator',
  'auditor',
] as const satisfies readonly RoleGrant[];

/**
 * Who may do what on the control plane: action → roles allowed. Nothing is implied; an action
 * absent from this table is denied to everyone. The service decides through Cedar, with policies
 * generated from this table (api/control-plane-authorizer.ts), so the table stays the one source.
 */
export const CONTROL_PLANE_ACTIONS = {
  'run.start': ['operator', 'admin'],
  'run.read': ['operator', 'approver', 'approver:*', 'auditor', 'admin', 'security-admin'],
  'run.cancel': ['operator', 'admin'],
  'approval.read': ['approver', 'approver:*', 'auditor', 'admin', 'operator'],
  'approval.decide': ['approver', 'approver:*'],
  'audit.read': ['auditor', 'security-admin', 'admin'],
  'audit.verify': ['auditor', 'security-admin', 'admin', 'operator'],
  'audit.hold': ['auditor', 'security-admin'],
  'audit.prune': ['security-admin'],
  'audit.checkpoint': ['security-admin', 'admin'],
  'agent.read': everyRole,
  'policy.read': ['security-admin', 'admin', 'auditor'],
  'policy.apply': ['security-admin'],
  'user.read': ['admin', 'security-admin', 'auditor'],
  'user.manage': ['admin'],
  'apikey.read': ['admin', 'security-admin', 'auditor'],
  'apikey.manage': ['admin'],
  'grant.read': ['admin', 'security-admin', 'auditor', 'operator'],
  'grant.request': ['operator', 'admin'],
  'grant.decide': ['admin'],
  'grant.revoke': ['admin', 'security-admin'],
  'token.read': ['admin', 'security-admin', 'auditor'],
  'token.revoke': ['admin', 'security-admin'],
  'killswitch.read': ['admin', 'security-admin', 'auditor', 'operator'],
  'killswitch.set': ['security-admin'],
  'system.doctor': ['admin', 'security-admin', 'operator', 'auditor'],
  'pack.read': everyRole,
  'pack.publish': ['publisher'],
  'pack.promote': ['publisher', 'security-admin'],
  'pack.quarantine': ['security-admin', 'admin', 'operator'],
  'trust.manage': ['security-admin'],
} as const satisfies Record<string, readonly RoleGrant[]>;

/** A control-plane action named in the table. */
export type ControlPlaneAction = keyof typeof CONTROL_PLANE_ACTIONS;

/** The verdict on one control-plane request. */
export type ControlPlaneDecision = { effect: 'allow' } | { effect: 'deny'; reason: string };

/** True when the action is one the table names. */
export function isControlPlaneAction(action: string): action is ControlPlaneAction {
  return Object.hasOwn(CONTROL_PLANE_ACTIONS, action);
}

/** Decides whether a user may perform a control-plane action, by the table above. */
export function authorizeControlPlane(user: UserRecord, action: string): ControlPlaneDecision {
  // `action` may come from a route or a client; hasOwn keeps `__proto__` and friends out.
  if (!isControlPlaneAction(action)) {
    return { effect: 'deny', reason: `unknown control-plane action "${action.slice(0, 80)}"` };
  }
  if (user.disabled) return { effect: 'deny', reason: `user ${user.id} is disabled` };
  const allowed: readonly RoleGrant[] = CONTROL_PLANE_ACTIONS[action];
  if (effectiveRoles(user).some((role) => grantIncludes(allowed, role))) return { effect: 'allow' };
  return {
    effect: 'deny',
    reason: `${action} needs one of the roles ${allowed.join(', ')}; ${user.id} holds none`,
  };
}

function grantIncludes(allowed: readonly RoleGrant[], role: Role): boolean {
  if (isDomainApproverRole(role)) return allowed.includes('approver:*');
  return allowed.includes(role);
}
