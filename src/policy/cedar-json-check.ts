import type { PolicyEntity } from './types.js';

/**
 * Whether Cedar would certainly accept a value in its JSON form: booleans, strings, safe
 * integers, sets and records of those, and well-formed entity references. A request Cedar
 * cannot read fails the whole decision closed; the engine leaves out of a request what no
 * policy reads, and checks here that what it leaves out would not have failed it. Anything
 * this check is unsure of (an extension value, a very large integer, a name Cedar may reserve)
 * answers false, and the engine then sends the request whole for Cedar to judge.
 */
export function isPlainCedarValue(value: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return true;
    case 'number':
      return Number.isSafeInteger(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return false;
  if (Array.isArray(value)) return value.every((item) => isPlainCedarValue(item, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, '__entity')) {
    return Object.keys(record).length === 1 && isEntityUid(record.__entity);
  }
  if (Object.hasOwn(record, '__extn') || Object.hasOwn(record, '__expr')) return false;
  // JSON.stringify leaves out undefined members, so Cedar never sees them.
  return Object.values(record).every(
    (item) => item === undefined || isPlainCedarValue(item, depth + 1),
  );
}

/** Whether Cedar would certainly accept an entity of a request's entity store. */
export function isPlainEntity(entity: PolicyEntity): boolean {
  if (entity === null || typeof entity !== 'object') return false;
  if (!Object.keys(entity).every((key) => ENTITY_KEYS.has(key))) return false;
  return (
    isEntityUid(entity.uid) &&
    Array.isArray(entity.parents) &&
    entity.parents.every(isEntityUid) &&
    entity.attrs !== null &&
    typeof entity.attrs === 'object' &&
    !Array.isArray(entity.attrs) &&
    isPlainCedarValue(entity.attrs) &&
    !Object.hasOwn(entity.attrs, '__entity')
  );
}

const MAX_DEPTH = 64;
const ENTITY_KEYS = new Set(['uid', 'attrs', 'parents']);
const IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
// Words Cedar reserves, or may: a type name using one is left to Cedar to judge.
const RESERVED = new Set(['true', 'false', 'if', 'then', 'else', 'in', 'is', 'like', 'has']);

function isEntityUid(uid: unknown): boolean {
  if (uid === null || typeof uid !== 'object' || Array.isArray(uid)) return false;
  const { type, id } = uid as Record<string, unknown>;
  return Object.keys(uid).length === 2 && typeof id === 'string' && isTypeName(type);
}

function isTypeName(type: unknown): boolean {
  if (typeof type !== 'string') return false;
  return type
    .split('::')
    .every((part) => IDENTIFIER.test(part) && !RESERVED.has(part) && !part.startsWith('__cedar'));
}
