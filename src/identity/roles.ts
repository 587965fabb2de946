import type { UserRecord } from '../store/index.js';

/**
 * Roles, matched strictly: a requirement is met only by holding exactly that role. No role
 * implies another: `admin` is not an approver unless it also holds `approver`; plain `approver`
 * does not meet `approver:finance`, and `approver:finance` does not meet plain `approver`. A
 * disabled user holds no effective role. Unknown or malformed role strings meet nothing.
 */

/** The fixed roles of the control plane. */
export const ROLES = [
  'admin',
  'security-admin',
  'publisher',
  'approver',
  'operator',
  'auditor',
] as const;

/** One of the fixed roles. */
export type FixedRole = (typeof ROLES)[number];

/** A domain approver role such as `approver:finance`. */
export type DomainApproverRole = `approver:${string}`;

/** Any role a user can hold. */
export type Role = FixedRole | DomainApproverRole;

const DOMAIN_APPROVER = /^approver:[a-z][a-z0-9-]{0,62}$/;

/** True when the text names a fixed role or a well-formed domain approver role. */
export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text) || isDomainApproverRole(text);
}

/** True when the text is a well-formed `approver:<domain>` role. */
export function isDomainApproverRole(text: string): text is DomainApproverRole {
  return DOMAIN_APPROVER.test(text);
}

/** The domain of an `approver:<domain>` role, or undefined for any other text. */
export function approverDomain(role: string): string | undefined {
  return isDomainApproverRole(role) ? role.slice('approver:'.length) : undefined;
}

/** True when an enabled user holds exactly the required role (see the rules above). */
export function hasRole(user: Pick<UserRecord, 'roles' | 'disabled'>, required: string): boolean {
  if (user.disabled) return false;
  if (!isRole(required)) return false;
  return user.roles.includes(required);
}

/** The well-formed roles an enabled user holds; malformed entries are ignored. */
export function effectiveRoles(user: Pick<UserRecord, 'roles' | 'disabled'>): Role[] {
  if (user.disabled) return [];
  return user.roles.filter(isRole);
}
