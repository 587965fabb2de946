import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';

// Cedar's JSON escapes: an object with one of these keys is read as an entity reference or an
// extension value, not as a record.
const escapeKeys = ['__entity', '__extn', '__expr'];
const maxDepth = 32;

/**
 * Converts a JSON-like value (tool arguments: model output, attacker-controlled) into a value
 * Cedar accepts, so that odd arguments reach policies as data instead of failing every call:
 *  - null and undefined are dropped (Cedar has no null; `context.args has x` is then false);
 *  - non-integers and integers beyond 2^53 become their decimal text (Cedar has only 64-bit
 *    integers), so a numeric comparison on them errors and the decision fails closed;
 *  - an object using Cedar's `__entity` / `__extn` escapes becomes its JSON text, so the model
 *    cannot forge an entity reference (a role, a user) inside the arguments;
 *  - nesting deeper than 32 levels becomes the text "[nested too deep]".
 * Arrays become Cedar sets: order and duplicates are not kept.
 */
export function toCedarValue(value: unknown, depth = 0): CedarValueJson | undefined {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return Number.isSafeInteger(value) ? value : String(value);
    case 'bigint':
      return String(value);
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (depth >= maxDepth) return '[nested too deep]';
  if (Array.isArray(value)) {
    return value
      .map((item) => toCedarValue(item, depth + 1))
      .filter((item): item is CedarValueJson => item !== undefined);
  }
  if (value instanceof Date) return value.toISOString();
  const record = value as Record<string, unknown>;
  if (escapeKeys.some((key) => Object.hasOwn(record, key))) return safeJsonText(record);
  const result: Record<string, CedarValueJson> = {};
  for (const [key, item] of Object.entries(record)) {
    const converted = toCedarValue(item, depth + 1);
    if (converted !== undefined) result[key] = converted;
  }
  return result;
}

function safeJsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[unserialisable]';
  }
}
