/** One difference between two JSON values, at a dotted path (`''` for the root). */
export interface JsonChange {
  path: string;
  op: 'add' | 'remove' | 'replace';
  from?: unknown;
  to?: unknown;
}

import { canonicalJson } from './canonical-json.js';

const MAX_CHANGES = 200;
const MAX_DEPTH = 32;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Canonical JSON compares arrays of objects regardless of key order; a value it cannot hold
// (undefined, NaN) is compared by identity.
function same(left: unknown, right: unknown): boolean {
  try {
    return canonicalJson(left) === canonicalJson(right);
  } catch {
    return Object.is(left, right);
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * The differences between two JSON values, objects compared key by key (sorted), anything else
 * (arrays included) compared whole. Bounded: at most 200 changes, 32 levels deep; deeper values
 * are compared whole. For showing a person what a change does, not for patching.
 */
export function jsonDiff(before: unknown, after: unknown): JsonChange[] {
  const changes: JsonChange[] = [];
  const walk = (left: unknown, right: unknown, path: string, depth: number): void => {
    if (changes.length >= MAX_CHANGES) return;
    if (isRecord(left) && isRecord(right) && depth < MAX_DEPTH) {
      const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
      for (const key of keys) {
        const inLeft = Object.prototype.hasOwnProperty.call(left, key);
        const inRight = Object.prototype.hasOwnProperty.call(right, key);
        if (inLeft && !inRight)
          changes.push({ path: join(path, key), op: 'remove', from: left[key] });
        else if (!inLeft && inRight)
          changes.push({ path: join(path, key), op: 'add', to: right[key] });
        else walk(left[key], right[key], join(path, key), depth + 1);
        if (changes.length >= MAX_CHANGES) return;
      }
      return;
    }
    if (same(left, right) === false) {
      changes.push({ path, op: 'replace', from: left, to: right });
    }
  };
  walk(before, after, '', 0);
  return changes;
}

/** Whether two JSON values are equal, objects compared regardless of key order. */
export function jsonEqual(left: unknown, right: unknown): boolean {
  return jsonDiff(left, right).length === 0;
}

/**
 * The parts of a JSON value at the given dotted paths, as an object keyed by path (a missing
 * path maps to null); the whole value when no paths are given. Used to compare only the part of
 * a resource's state a tool changes.
 */
export function pickPaths(value: unknown, paths: readonly string[] | undefined): unknown {
  if (paths === undefined || paths.length === 0) return value;
  return Object.fromEntries(
    paths.map((path) => {
      let current: unknown = value;
      for (const part of path.split('.')) {
        current =
          isRecord(current) && Object.prototype.hasOwnProperty.call(current, part)
            ? current[part]
            : undefined;
      }
      return [path, current ?? null];
    }),
  );
}
