import { castellanRef } from './tool-call.js';
import { PolicyEngine } from './engine.js';
import { PolicyError } from './errors.js';
import type { PolicyDecision, PolicyRequest } from './types.js';

/*
 * The control plane (HTTP routes, CLI commands) is decided by Cedar, from policies generated out
 * of a declared table of action → role groups. The table stays the one source of truth; this
 * file only translates it, one permit per (action, group), so every allow names the table row
 * that granted it. A principal is a user whose parents are its role groups.
 */

/** The entity type of control-plane actions (distinct from tool actions). */
export const CONTROL_ACTION_TYPE = 'Castellan::Control::Action';

/** The one resource every control-plane request is about: the organisation's control plane. */
const CONTROL_PLANE = castellanRef('ControlPlane', 'organisation');

// Names come from code, not from users, but are checked anyway: nothing may break out of a
// Cedar string literal or produce a clashing policy id.
const ACTION_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
const GROUP_NAME = /^[a-z][a-z0-9-]*(:(\*|[a-z][a-z0-9-]*))?$/;

/** The policy file generated from a table: one permit per row, named by controlPolicyId. */
export function controlPlanePolicyFiles(
  table: Readonly<Record<string, readonly string[]>>,
): Record<string, string> {
  const policies: string[] = [
    '// Generated from the control-plane table; edit the table, not this text.',
  ];
  for (const action of Object.keys(table).sort()) {
    if (!ACTION_NAME.test(action)) {
      throw new PolicyError(
        'invalid-policy',
        `control-plane action "${action}" is not a plain name`,
      );
    }
    for (const group of [...new Set(table[action] ?? [])].sort()) {
      if (!GROUP_NAME.test(group)) {
        throw new PolicyError(
          'invalid-policy',
          `role group "${group}" of ${action} is not a plain name`,
        );
      }
      policies.push(
        `@id("${controlPolicyId(action, group)}")\n` +
          `permit (\n  principal in Castellan::Role::"${group}",\n` +
          `  action == ${CONTROL_ACTION_TYPE}::"${action}",\n  resource\n);`,
      );
    }
  }
  return { 'control-plane.cedar': `${policies.join('\n\n')}\n` };
}

/** The id of the policy for one table row; `*` (any domain) is spelled `any` in ids. */
export function controlPolicyId(action: string, group: string): string {
  return `control:${action}:${group.replace('*', 'any')}`;
}

/** Who asks: a user id and the role groups it is in (already reduced to well-formed roles). */
export interface ControlPlanePrincipal {
  id: string;
  groups: readonly string[];
}

/** The Cedar engine for control-plane actions, loaded once from a table. */
export class ControlPlaneEngine {
  private constructor(private readonly engine: PolicyEngine) {}

  /** Generates the policies from the table and loads them; throws PolicyError if it cannot. */
  static fromTable(table: Readonly<Record<string, readonly string[]>>): ControlPlaneEngine {
    return new ControlPlaneEngine(PolicyEngine.load(controlPlanePolicyFiles(table), 0));
  }

  /** The generated policies' ids, for listings and tests. */
  get policyIds(): string[] {
    return this.engine.policies.map((policy) => policy.id);
  }

  /** Decides one request; never throws (an engine failure is a deny). */
  decide(principal: ControlPlanePrincipal, action: string): PolicyDecision {
    return this.engine.decide(controlPlaneRequest(principal, action));
  }
}

/** The Cedar request for one control-plane action by one principal. */
export function controlPlaneRequest(
  principal: ControlPlanePrincipal,
  action: string,
): PolicyRequest {
  const user = castellanRef('User', principal.id);
  return {
    principal: user,
    action: { type: CONTROL_ACTION_TYPE, id: action },
    resource: CONTROL_PLANE,
    context: {},
    entities: [
      {
        uid: user,
        attrs: {},
        parents: [...new Set(principal.groups)].map((group) => castellanRef('Role', group)),
      },
      { uid: CONTROL_PLANE, attrs: {}, parents: [] },
    ],
  };
}
