import { describeError } from '../core/index.js';
import {
  CONTROL_PLANE_ACTIONS,
  effectiveRoles,
  isControlPlaneAction,
  isDomainApproverRole,
  type ControlPlaneAction,
  type ControlPlaneDecision,
} from '../identity/index.js';
import { ControlPlaneEngine } from '../policy/index.js';
import type { UserRecord } from '../store/index.js';
import { ApiError } from './errors.js';

/**
 * Decides control-plane actions through Cedar, with policies generated from the identity room's
 * one table (CONTROL_PLANE_ACTIONS). A user's groups are its well-formed roles, plus
 * `approver:*` for a domain approver, which the table uses for "any domain approver". If the
 * engine cannot load, every action is denied with the reason (fail closed).
 */
export class ControlPlaneAuthorizer {
  private constructor(
    private readonly engine: ControlPlaneEngine | undefined,
    private readonly problem: string | undefined,
  ) {}

  /** Loads the generated policies; never throws. */
  static create(table: Readonly<Record<string, readonly string[]>> = CONTROL_PLANE_ACTIONS) {
    try {
      return new ControlPlaneAuthorizer(ControlPlaneEngine.fromTable(table), undefined);
    } catch (error) {
      return new ControlPlaneAuthorizer(undefined, describeError(error));
    }
  }

  /** Allow or deny one action by one user, with a reason a person can act on. */
  decide(user: UserRecord, action: string): ControlPlaneDecision {
    // `action` may come from a client: hasOwn keeps `__proto__` and friends out of the table.
    if (!isControlPlaneAction(action)) {
      return { effect: 'deny', reason: `unknown control-plane action "${action.slice(0, 80)}"` };
    }
    if (user.disabled) return { effect: 'deny', reason: `user ${user.id} is disabled` };
    if (this.engine === undefined) {
      return {
        effect: 'deny',
        reason: `the control-plane policy engine is unavailable: ${this.problem}`,
      };
    }
    const decision = this.engine.decide({ id: user.id, groups: groupsOf(user) }, action);
    if (decision.effect === 'allow') return { effect: 'allow' };
    const allowed: readonly string[] = CONTROL_PLANE_ACTIONS[action];
    const why = decision.effect === 'deny' ? decision.reasons.join('; ') : 'needs approval';
    return {
      effect: 'deny',
      reason: `${action} needs one of the roles ${allowed.join(', ')}; ${user.id} holds none (${why})`,
    };
  }
}

/** The Cedar groups of a user: its well-formed roles, and `approver:*` for domain approvers. */
export function groupsOf(user: Pick<UserRecord, 'roles' | 'disabled'>): string[] {
  const roles: string[] = effectiveRoles(user);
  if (roles.some(isDomainApproverRole)) roles.push('approver:*');
  return roles;
}

// One Cedar engine per process, generated from the table at first use.
let shared: ControlPlaneAuthorizer | undefined;

/** Throws ApiError 'forbidden' unless Cedar, from the control-plane table, allows the action. */
export function permitControlPlane(actor: UserRecord, action: ControlPlaneAction): void {
  shared ??= ControlPlaneAuthorizer.create();
  const decision = shared.decide(actor, action);
  if (decision.effect === 'deny') {
    throw new ApiError('forbidden', `${actor.id} may not ${action}: ${decision.reason}`);
  }
}
