import { TokenError } from './errors.js';
import { isBindingValue, parseScope } from './scopes.js';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]{0,62})\}/g;
const TEMPLATE = /^([^:]+:[^:]+)(?::([^:]+))?$/;

/**
 * Fills `{name}` placeholders in a scope template's binding from tool arguments, e.g.
 * `itops:service.restart:{service}` with `{ service: 'web-1' }` gives `itops:service.restart:web-1`.
 * The template comes from a pack; the arguments come from a model and are attacker-controlled.
 */
export function bindScope(template: string, args: Record<string, unknown>): string {
  const match = TEMPLATE.exec(template);
  if (match === null) throw new TokenError('bad-scope', `malformed scope template "${template}"`);
  const [, base = '', bindingTemplate] = match;
  if (bindingTemplate === undefined) return checkedScope(base, template);
  const binding = bindingTemplate.replace(PLACEHOLDER, (_whole, name: string) =>
    bindingValue(args, name),
  );
  return checkedScope(`${base}:${binding}`, template);
}

// Each argument is checked on its own, so no value can add a `:`, a `*`, a space or a path.
function bindingValue(args: Record<string, unknown>, name: string): string {
  if (!Object.hasOwn(args, name)) {
    throw new TokenError('bad-binding', `argument "${name}" is missing for the scope binding`);
  }
  const value = args[name];
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !isBindingValue(text)) {
    throw new TokenError('bad-binding', `argument "${name}" cannot name a resource in a scope`, {
      details: { argument: name },
    });
  }
  return text;
}

// Leftover braces (an unclosed placeholder) or a bad base make the result unparseable here.
function checkedScope(scope: string, template: string): string {
  const parsed = parseScope(scope);
  if (parsed === undefined || parsed.binding === '*') {
    throw new TokenError('bad-scope', `scope template "${template}" does not give a valid scope`);
  }
  return scope;
}
