import { describe, expect, it } from 'vitest';
import {
  authorizeControlPlane,
  CONTROL_PLANE_ACTIONS,
  ROLES,
  type RoleGrant,
} from '../identity/index.js';
import { controlPlanePolicyFiles, ControlPlaneEngine, controlPolicyId } from '../policy/index.js';
import type { UserRecord } from '../store/index.js';
import { ControlPlaneAuthorizer } from './control-plane-authorizer.js';

function user(roles: string[], disabled = false): UserRecord {
  return {
    orgId: 'default',
    id: 'pat',
    displayName: 'Pat',
    roles,
    disabled,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

/** Every kind of principal: each role alone, domain approvers, mixtures, and the odd ones. */
const principals: Array<[string, UserRecord]> = [
  ...ROLES.map((role): [string, UserRecord] => [role, user([role])]),
  ['approver:finance', user(['approver:finance'])],
  ['approver:hr', user(['approver:hr'])],
  ['operator+auditor', user(['operator', 'auditor'])],
  ['publisher+approver:finance', user(['publisher', 'approver:finance'])],
  ['every role', user([...ROLES, 'approver:finance'])],
  ['no role', user([])],
  ['malformed roles', user(['root', 'approver:*', 'approver:', 'ADMIN', ' admin', 'admin '])],
  ['a disabled admin', user(['admin', 'security-admin'], true)],
];

const actions = [...Object.keys(CONTROL_PLANE_ACTIONS), 'run.delete', '__proto__', 'RUN.START'];
const authorizer = ControlPlaneAuthorizer.create();

/** What the table grants, read directly, without Cedar and without the identity helper. */
function tableGrants(principal: UserRecord, action: string): boolean {
  if (principal.disabled || !Object.hasOwn(CONTROL_PLANE_ACTIONS, action)) return false;
  const allowed = CONTROL_PLANE_ACTIONS[
    action as keyof typeof CONTROL_PLANE_ACTIONS
  ] as readonly RoleGrant[];
  return principal.roles.some(
    (role) =>
      ((allowed as readonly string[]).includes(role) && role !== 'approver:*') ||
      (/^approver:[a-z][a-z0-9-]{0,62}$/.test(role) && allowed.includes('approver:*')),
  );
}

describe('the control plane through Cedar', () => {
  const matrix = principals.flatMap(([name, principal]) =>
    actions.map((action) => [name, action, principal] as const),
  );

  it.each(matrix)('%s doing %s gets exactly what the table grants', (_name, action, principal) => {
    const decision = authorizer.decide(principal, action);
    const granted = tableGrants(principal, action);
    // The point of the walk: any allow the table does not grant fails here.
    if (decision.effect === 'allow') expect(granted).toBe(true);
    expect(decision.effect).toBe(granted ? 'allow' : 'deny');
    // And the table's own helper agrees with Cedar everywhere.
    expect(authorizeControlPlane(principal, action).effect).toBe(decision.effect);
  });

  it('generates one permit per table row and nothing else', () => {
    const engine = ControlPlaneEngine.fromTable(CONTROL_PLANE_ACTIONS);
    const rows = Object.entries(CONTROL_PLANE_ACTIONS).flatMap(([action, groups]) =>
      [...new Set(groups as readonly string[])].map((group) => controlPolicyId(action, group)),
    );
    expect(engine.policyIds.sort()).toEqual(rows.sort());
    const text = controlPlanePolicyFiles(CONTROL_PLANE_ACTIONS)['control-plane.cedar'] ?? '';
    expect(text).not.toMatch(/\bforbid\b|\bwhen\b|\bunless\b/);
  });

  it('explains a denial with the roles the table asks for', () => {
    const decision = authorizer.decide(user(['auditor']), 'killswitch.set');
    expect(decision).toMatchObject({ effect: 'deny' });
    expect(decision.effect === 'deny' && decision.reason).toContain('security-admin');
  });

  it('denies everything when the policies cannot be generated (fail closed)', () => {
    const broken = ControlPlaneAuthorizer.create({ 'run.start': ['operator"); permit(principal'] });
    expect(broken.decide(user(['operator']), 'run.start')).toMatchObject({ effect: 'deny' });
    const decision = broken.decide(user(['operator']), 'run.start');
    expect(decision.effect === 'deny' && decision.reason).toContain('unavailable');
  });
});
