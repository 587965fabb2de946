import { restrictToPatterns } from './scope-sets.js';

/**
 * Which scopes a person may delegate to an agent, by role (settings `identity.delegation`).
 * A disabled user delegates nothing; roles without an entry delegate nothing; the patterns of
 * all the user's roles add up.
 */
export function delegablePatterns(
  delegation: Readonly<Record<string, readonly string[]>>,
  user: { roles: readonly string[]; disabled: boolean },
): string[] {
  if (user.disabled) return [];
  const patterns = new Set<string>();
  for (const role of user.roles) {
    // hasOwn: a role named `__proto__` or `constructor` must not reach Object.prototype.
    if (!Object.hasOwn(delegation, role)) continue;
    for (const pattern of delegation[role] ?? []) patterns.add(pattern);
  }
  return [...patterns].sort();
}

/** The part of `scopes` a user may delegate. */
export function delegableScopes(
  delegation: Readonly<Record<string, readonly string[]>>,
  user: { roles: readonly string[]; disabled: boolean },
  scopes: readonly string[],
): string[] {
  return restrictToPatterns(scopes, delegablePatterns(delegation, user));
}
