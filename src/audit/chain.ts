import { canonicalJson, sha256Hex } from '../core/index.js';
import type { AuditEntry } from './entry.js';

/**
 * The chain hash of an entry: SHA-256 over the canonical JSON of the whole entry, which
 * includes `prevHash`. Changing any field of any entry changes every hash after it.
 */
export function hashEntry(entry: AuditEntry): string {
  return sha256Hex(canonicalJson(entry));
}

/** Drops undefined fields so that the stored JSON and the hashed JSON are the same value. */
export function withoutUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
