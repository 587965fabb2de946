/**
 * Canonical JSON after RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace,
 * numbers in their shortest round-trip form (ECMAScript's Number.prototype.toString, which JCS
 * adopts), strings escaped as JSON.stringify does. Used for every hash Castellan computes, so
 * the same value always hashes the same on every machine.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, []);
}

// Every audit entry and every gate decision passes through here, so it is written to allocate
// little: plain loops over strings, no arrays of members, no closures per key. Keys repeat from
// entry to entry, so the quoted forms of short ones are kept (bounded in number and length: keys
// can come from agents' arguments).
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 4096;
const MAX_KEPT_KEY_LENGTH = 64;

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (key.length > MAX_KEPT_KEY_LENGTH) return quoted;
    if (quotedKeys.size >= MAX_QUOTED_KEYS) quotedKeys.clear();
    quotedKeys.set(key, quoted);
  }
  return quoted;
}

// JCS orders keys by UTF-16 code units, which is what `<` on strings compares (and the default
// sort). Keys already in order (entries built field by field often are) are used as they are;
// a short list is sorted in place by insertion, a long one by the default sort, which allocates
// a working copy every time.
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 32) return keys.sort();
  for (let index = 1; index < keys.length; index += 1) {
    const key = keys[index]!;
    let place = index;
    while (place > 0 && key < keys[place - 1]!) {
      keys[place] = keys[place - 1]!;
      place -= 1;
    }
    keys[place] = key;
  }
  return keys;
}

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
    text = '{';
    let first = true;
    for (const key of sortedKeys(record)) {
      const member = record[key];
      if (member === undefined) continue;
      if (!first) text += ',';
      text += quoteKey(key);
      text += ':';
      text += serialize(member, ancestors);
      first = false;
    }
    text += '}';
  }
  ancestors.pop();
  return text;
}
