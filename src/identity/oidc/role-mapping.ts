import { isRole, type Role } from '../roles.js';

/**
 * Reads the configured claim (a dot path such as `groups` or `realm_access.roles`) from verified
 * claims and maps each of its values to Castellan roles. A value may be one string or a list of
 * strings; anything else maps to nothing. Only values named in the mapping give roles, and only
 * well-formed roles are kept, so an IdP group called `admin` is not an admin by accident.
 */
export function rolesFromClaims(
  claims: Record<string, unknown>,
  rolesClaim: string,
  mapping: Readonly<Record<string, readonly string[]>>,
): Role[] {
  const values = claimValues(claims, rolesClaim);
  const roles = new Set<Role>();
  for (const value of values) {
    // hasOwn: a group named `__proto__` must not read Object.prototype.
    if (!Object.hasOwn(mapping, value)) continue;
    for (const role of mapping[value] ?? []) if (isRole(role)) roles.add(role);
  }
  return [...roles].sort();
}

const MAX_VALUES = 500;

function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
    if (!Object.hasOwn(value, part)) return [];
    value = (value as Record<string, unknown>)[part];
  }
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return value.slice(0, MAX_VALUES).filter((item): item is string => typeof item === 'string');
}
