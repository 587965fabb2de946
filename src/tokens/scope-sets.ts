import { parseScope, type ParsedScope } from './scopes.js';

/*
 * Scope sets as a lattice: `a:b.c` (every binding, bound or not) is wider than `a:b.c:*` (every
 * named binding), which is wider than `a:b.c:x`. The meet of two scopes is the narrower one when
 * they share domain, resource and verb, and nothing otherwise. A token's scopes are the meet of
 * what the user may delegate, what the agent holds, and what the task needs, so no party can
 * widen what another narrowed. Malformed scopes meet nothing (fail closed).
 */

/** The narrower of two scopes when one covers the other, or undefined when they are disjoint. */
export function meetScope(left: string, right: string): string | undefined {
  const a = parseScope(left);
  const b = parseScope(right);
  if (a === undefined || b === undefined) return undefined;
  if (a.domain !== b.domain || a.resource !== b.resource || a.verb !== b.verb) return undefined;
  const binding = meetBinding(a.binding, b.binding);
  if (binding === null) return undefined;
  return format(a, binding);
}

/** Every scope both sets allow, each as narrow as the narrower side, without redundant entries. */
export function intersectScopes(left: readonly string[], right: readonly string[]): string[] {
  const meets = new Set<string>();
  for (const a of left) {
    for (const b of right) {
      const met = meetScope(a, b);
      if (met !== undefined) meets.add(met);
    }
  }
  return withoutRedundant([...meets]);
}

/** True when `wider` allows everything `narrower` allows (wildcards included on both sides). */
export function subsumes(wider: string, narrower: string): boolean {
  return meetScope(wider, narrower) === narrower;
}

/**
 * What a tool's scope templates ask for at most, before arguments are known: a binding with a
 * `{placeholder}` becomes `*` (some named resource), a literal binding stays, none stays none.
 */
export function neededScopes(templates: readonly string[]): string[] {
  const needed = new Set<string>();
  for (const template of templates) {
    const [domain = '', action = '', ...rest] = template.split(':');
    const base = `${domain}:${action}`;
    if (rest.length === 0) needed.add(base);
    else if (rest.join(':').includes('{')) needed.add(`${base}:*`);
    else needed.add(template);
  }
  return withoutRedundant([...needed].filter((scope) => parseScope(scope) !== undefined));
}

/**
 * Restricts scopes to what delegation or elevation patterns allow: `*` allows everything,
 * `<domain>:*` a whole domain, and any other pattern is a scope met with each candidate.
 */
export function restrictToPatterns(
  scopes: readonly string[],
  patterns: readonly string[],
): string[] {
  const kept: string[] = [];
  for (const pattern of patterns) {
    if (pattern === '*') kept.push(...scopes.filter((scope) => parseScope(scope) !== undefined));
    else if (/^[a-z][a-z0-9_-]{0,62}:\*$/.test(pattern)) {
      const domain = pattern.slice(0, -2);
      kept.push(...scopes.filter((scope) => parseScope(scope)?.domain === domain));
    } else kept.push(...intersectScopes(scopes, [pattern]));
  }
  return withoutRedundant([...new Set(kept)]);
}

/** True when some pattern allows the scope (see restrictToPatterns). */
export function patternsAllow(patterns: readonly string[], scope: string): boolean {
  return restrictToPatterns([scope], patterns).includes(scope);
}

// undefined: no binding (widest); null: disjoint.
function meetBinding(
  left: string | undefined,
  right: string | undefined,
): string | undefined | null {
  if (left === undefined) return right;
  if (right === undefined) return left;
  if (left === '*') return right;
  if (right === '*') return left;
  return left === right ? left : null;
}

function format(scope: ParsedScope, binding: string | undefined): string {
  const base = `${scope.domain}:${scope.resource}.${scope.verb}`;
  return binding === undefined ? base : `${base}:${binding}`;
}

function withoutRedundant(scopes: string[]): string[] {
  return scopes
    .filter((scope, index) =>
      scopes.every((other, otherIndex) => otherIndex === index || !strictlyWider(other, scope)),
    )
    .sort();
}

function strictlyWider(wider: string, narrower: string): boolean {
  return wider !== narrower && subsumes(wider, narrower);
}
