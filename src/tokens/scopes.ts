/**
 * Scope strings: `domain:resource.verb[:binding]`, e.g. `itops:service.restart:web-1`.
 * Matching is exact on domain, resource and verb; only the binding may be widened, and only by
 * a grant: no binding covers every binding, `*` covers every named binding. A string that does
 * not parse is malformed and covers nothing, so a typo in a grant denies rather than widens.
 */

/** One scope, split into its parts; `binding` is absent for an unbound scope. */
export interface ParsedScope {
  domain: string;
  resource: string;
  verb: string;
  binding?: string;
}

/** The longest scope string accepted anywhere. */
export const MAX_SCOPE_LENGTH = 256;

/** The text a binding value may have (a resource name, an id, a number). */
export const BINDING_VALUE = /^[A-Za-z0-9_.-]{1,120}$/;

const NAME = '[a-z][a-z0-9_-]{0,62}';
const SCOPE = new RegExp(`^(${NAME}):(${NAME})\\.(${NAME})(?::([^:]*))?$`);
const WILDCARD = '*';

/** Splits a scope into parts, or returns undefined when it is malformed. `*` parses as a binding. */
export function parseScope(scope: string): ParsedScope | undefined {
  if (typeof scope !== 'string' || scope.length > MAX_SCOPE_LENGTH) return undefined;
  const match = SCOPE.exec(scope);
  if (match === null) return undefined;
  const [, domain = '', resource = '', verb = '', binding] = match;
  if (binding === undefined) return { domain, resource, verb };
  if (binding !== WILDCARD && !isBindingValue(binding)) return undefined;
  return { domain, resource, verb, binding };
}

/** True when the text is a valid binding value (not `*`, not only dots such as `..`). */
export function isBindingValue(text: string): boolean {
  return BINDING_VALUE.test(text) && !/^\.+$/.test(text);
}

/** True when the scope parses as something a grant may hold (bindings may be `*`). */
export function isGrantableScope(scope: string): boolean {
  return parseScope(scope) !== undefined;
}

/**
 * True when a granted scope covers a required one. Grant `a:b.c` covers `a:b.c` and `a:b.c:x`;
 * grant `a:b.c:*` covers `a:b.c:x` but not the unbound `a:b.c` (which asks for everything);
 * grant `a:b.c:x` covers only `a:b.c:x`. A required scope with a `*` binding is malformed.
 */
export function scopeCovers(granted: string, required: string): boolean {
  const grant = parseScope(granted);
  const need = parseScope(required);
  if (grant === undefined || need === undefined) return false;
  if (need.binding === WILDCARD) return false;
  if (grant.domain !== need.domain) return false;
  if (grant.resource !== need.resource) return false;
  if (grant.verb !== need.verb) return false;
  return bindingCovers(grant.binding, need.binding);
}

function bindingCovers(granted: string | undefined, required: string | undefined): boolean {
  if (granted === undefined) return true;
  if (required === undefined) return false;
  if (granted === WILDCARD) return true;
  return granted === required;
}

/** The required scopes that no granted scope covers, in order and without repeats. */
export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  const missing = new Set<string>();
  for (const need of required) {
    if (!granted.some((grant) => scopeCovers(grant, need))) missing.add(need);
  }
  return [...missing];
}
