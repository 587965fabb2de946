/**
 * Resolves playbook references: `${input.name}` and `${steps.<id>.output.<path>}`. A string that
 * is exactly one reference becomes the referenced value (any JSON type); references inside longer
 * text are interpolated as text. Nothing is evaluated: paths are plain property names.
 */

const WHOLE = /^\$\{([A-Za-z0-9_.-]+)\}$/;
const EMBEDDED = /\$\{([A-Za-z0-9_.-]+)\}/g;

/** Values a playbook can refer to. */
export interface ReferenceScope {
  input: Record<string, unknown>;
  steps: Record<string, { output: unknown }>;
}

/** Looks up a dotted path such as `steps.status.output.firstUnhealthy`. */
export function lookup(scope: ReferenceScope, path: string): unknown {
  let current: unknown = scope;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Replaces references in a JSON value (arguments of a playbook step). */
export function resolveReferences(value: unknown, scope: ReferenceScope): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole?.[1] !== undefined) return lookup(scope, whole[1]);
    return value.replace(EMBEDDED, (_match, path: string) => {
      const found = lookup(scope, path);
      return found === undefined || found === null
        ? ''
        : typeof found === 'object'
          ? JSON.stringify(found)
          : String(found);
    });
  }
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveReferences(item, scope)]),
    );
  }
  return value;
}

/** Whether a `when` reference resolves to something (not undefined, null, false, '' or []). */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}
