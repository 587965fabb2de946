/**
 * Canonical JSON after RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace,
 * numbers in their shortest round-trip form (ECMAScript's Number.prototype.toString, which JCS
 * adopts), strings escaped as JSON.stringify does. Used for every hash Castellan computes, so
 * the same value always hashes the same on every machine.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, new Set());
}

function serialize(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value))
        throw new TypeError('canonical JSON cannot hold NaN or Infinity');
      return Object.is(value, -0) ? '0' : String(value);
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
    case 'undefined':
      throw new TypeError('canonical JSON cannot hold undefined at the top level or in arrays');
  }
  const object = value as object;
  if (seen.has(object)) throw new TypeError('canonical JSON cannot hold a cycle');
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item) => (item === undefined ? 'null' : serialize(item, seen))).join(',')}]`;
    }
    if (object instanceof Date) return JSON.stringify(object.toISOString());
    const keys = Object.keys(object)
      .filter((key) => (object as Record<string, unknown>)[key] !== undefined)
      .sort(compareUtf16);
    const members = keys.map(
      (key) =>
        `${JSON.stringify(key)}:${serialize((object as Record<string, unknown>)[key], seen)}`,
    );
    return `{${members.join(',')}}`;
  } finally {
    seen.delete(object);
  }
}

// JCS sorts by UTF-16 code units, which is what a plain `<` on JS strings compares.
function compareUtf16(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
