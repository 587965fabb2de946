import { describe, expect, it } from 'vitest';
import { approverDomain, effectiveRoles, hasRole, isRole, ROLES } from './roles.js';

const user = (roles: string[], disabled = false) => ({ roles, disabled });

describe('hasRole', () => {
  it.each([
    // [held, required, met]
    [['approver:finance'], 'approver:finance', true],
    [['approver'], 'approver', true],
    [['approver:finance'], 'approver', false],
    [['approver'], 'approver:finance', false],
    [['approver:finance'], 'approver:itops', false],
    [['admin'], 'approver', false],
    [['admin'], 'security-admin', false],
    [['security-admin'], 'admin', false],
    [['operator', 'auditor'], 'auditor', true],
    [['approver:*'], 'approver:finance', false],
    [['approver:*'], 'approver:*', false],
    [['superuser'], 'superuser', false],
    [['Admin'], 'admin', false],
    [[], 'operator', false],
  ])('user holding %j meets %j: %s', (roles, required, met) => {
    expect(hasRole(user(roles), required)).toBe(met);
  });

  it('gives a disabled user no role', () => {
    expect(hasRole(user(['admin'], true), 'admin')).toBe(false);
    expect(effectiveRoles(user(['admin'], true))).toEqual([]);
  });

  it('knows every fixed role', () => {
    for (const role of ROLES) expect(hasRole(user([role]), role)).toBe(true);
  });
});

describe('role names', () => {
  it('accepts fixed roles and well-formed domain approvers only', () => {
    expect(isRole('publisher')).toBe(true);
    expect(isRole('approver:finance-eu')).toBe(true);
    expect(isRole('approver:')).toBe(false);
    expect(isRole('approver:Finance')).toBe(false);
    expect(isRole('approver:finance:eu')).toBe(false);
    expect(isRole('root')).toBe(false);
  });

  it('reads the domain of a domain approver', () => {
    expect(approverDomain('approver:finance')).toBe('finance');
    expect(approverDomain('approver')).toBeUndefined();
  });

  it('ignores malformed roles a user record holds', () => {
    expect(effectiveRoles(user(['operator', 'root', 'approver:*', 'approver:hr']))).toEqual([
      'operator',
      'approver:hr',
    ]);
  });
});
