/**
 * Fills `{name}` placeholders from a call's arguments. Arguments come from the planner, which may
 * be a compromised model: only short, plain tokens are accepted, so a value can never change the
 * shape of the id it lands in (no separators, spaces or path segments).
 */
const SAFE_VALUE = /^[A-Za-z0-9_.-]{1,120}$/;

/** The resource id for a template such as `{service}` or `fleet`, or an error message. */
export function fillTemplate(
  template: string,
  args: Record<string, unknown>,
): { ok: true; value: string } | { ok: false; error: string } {
  let error: string | undefined;
  const value = template.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (_whole, name: string) => {
    const raw = args[name];
    const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : undefined;
    if (text === undefined || !SAFE_VALUE.test(text) || text === '.' || text === '..') {
      error ??= `argument ${name} cannot name a resource (expected a plain identifier)`;
      return '';
    }
    return text;
  });
  return error === undefined ? { ok: true, value } : { ok: false, error };
}
