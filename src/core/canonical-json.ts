/**
 * Canonical JSON after RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace,
 * numbers in their shortest round-trip form (ECMAScript's Number.prototype.toString, which JCS
 * adopts), strings escaped as JSON.stringify does. Used for every hash Castellan computes, so
 * the same value always hashes the same on every machine.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, []);
}

// Every audit entry and every gate decision passes through here, so it is written as plain
// loops over strings: no intermediate arrays of members, no closures per key.
function serialize(value: unknown, ancestors: object[]): string {
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
  if (ancestors.includes(object)) throw new TypeError('canonical JSON cannot hold a cycle');
  if (object instanceof Date) return JSON.stringify(object.toISOString());
  ancestors.push(object);
  let text: string;
  if (Array.isArray(object)) {
    text = '[';
    for (let index = 0; index < object.length; index += 1) {
      if (index > 0) text += ',';
      const item: unknown = object[index];
      text += item === undefined ? 'null' : serialize(item, ancestors);
    }
    text += ']';
  } else {
    const record = object as Record<string, unknown>;
    // The default sort compares UTF-16 code units, which is exactly JCS's order.
    const keys = Object.keys(record).sort();
    text = '{';
    let first = true;
    for (const key of keys) {
      const member = record[key];
      if (member === undefined) continue;
      text += `${first ? '' : ','}${JSON.stringify(key)}:${serialize(member, ancestors)}`;
      first = false;
    }
    text += '}';
  }
  ancestors.pop();
  return text;
}
