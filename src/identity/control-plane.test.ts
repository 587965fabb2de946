import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../store/index.js';
import { authorizeControlPlane, CONTROL_PLANE_ACTIONS } from './control-plane.js';
import type { ControlPlaneAction } from './control-plane.js';

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

/** The declared expectation, written out independently of the table it checks. */
const expected: Record<ControlPlaneAction, string[]> = {
  'run.start': ['operator', 'admin'],
  'run.read': ['operator', 'approver', 'approver:finance', 'auditor', 'admin', 'security-admin'],
  'run.cancel': ['operator', 'admin'],
  'approval.read': ['approver', 'approver:finance', 'auditor', 'admin', 'operator'],
  'approval.decide': ['approver', 'approver:finance'],
  'audit.read': ['auditor', 'security-admin', 'admin'],
  'audit.verify': ['auditor', 'security-admin', 'admin', 'operator'],
  'audit.hold': ['auditor', 'security-admin'],
  'audit.prune': ['security-admin'],
  'audit.checkpoint': ['security-admin', 'admin'],
  'agent.read': [
    'admin',
    'security-admin',
    'publisher',
    'approver',
    'approver:finance',
    'operator',
    'auditor',
  ],
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
  'pack.read': [
    'admin',
    'security-admin',
    'publisher',
    'approver',
    'approver:finance',
    'operator',
    'auditor',
  ],
  'pack.publish': ['publisher'],
  'pack.promote': ['publisher', 'security-admin'],
  'pack.quarantine': ['security-admin', 'admin', 'operator'],
  'trust.manage': ['security-admin'],
};

const roles = [
  'admin',
  'security-admin',
  'publisher',
  'approver',
  'approver:finance',
  'operator',
  'auditor',
];
const actions = Object.keys(CONTROL_PLANE_ACTIONS) as ControlPlaneAction[];
const matrix = actions.flatMap((action) =>
  roles.map((role) => [action, role, expected[action].includes(role)] as const),
);

describe('authorizeControlPlane', () => {
  it('covers exactly the declared actions', () => {
    expect(actions.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(matrix)('%s by %s is allowed: %s', (action, role, allowed) => {
    const decision = authorizeControlPlane(user([role]), action);
    expect(decision.effect).toBe(allowed ? 'allow' : 'deny');
  });

  it('allows when any one held role is allowed', () => {
    expect(authorizeControlPlane(user(['publisher', 'operator']), 'run.start')).toEqual({
      effect: 'allow',
    });
  });

  it('denies a user with no roles or only malformed ones', () => {
    for (const action of actions) {
      expect(authorizeControlPlane(user([]), action).effect).toBe('deny');
      expect(authorizeControlPlane(user(['root', 'approver:*']), action).effect).toBe('deny');
    }
  });

  it.each(['run.delete', '', 'RUN.START', '__proto__', 'toString', 'constructor'])(
    'denies the unknown action %j',
    (action) => {
      const decision = authorizeControlPlane(user([...roles]), action);
      expect(decision).toMatchObject({ effect: 'deny' });
      expect(decision.effect === 'deny' && decision.reason).toContain('unknown');
    },
  );

  it('denies a disabled user every action', () => {
    for (const action of actions) {
      const decision = authorizeControlPlane(user([...roles], true), action);
      expect(decision).toEqual({ effect: 'deny', reason: 'user pat is disabled' });
    }
  });

  it('says which roles the action needs', () => {
    const decision = authorizeControlPlane(user(['auditor']), 'policy.apply');
    expect(decision).toEqual({
      effect: 'deny',
      reason: 'policy.apply needs one of the roles security-admin; pat holds none',
    });
  });
});
