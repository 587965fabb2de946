import { canonicalJson } from '../core/index.js';
import { leafHash } from './merkle/hashes.js';

/**
 * The canonical JSON (RFC 8785) of a stored entry's text, cheaply: text Castellan wrote is
 * canonical already, which holds exactly when re-serialising the parsed value gives the same
 * text and every object's keys are in JCS order; anything else (a tampered row, another
 * writer) is canonicalised in full. The text is attacker-controlled when the database is.
 */
export function canonicalTextOf(text: string, parsed: unknown): string {
  if (JSON.stringify(parsed) === text && keysInOrder(parsed)) return text;
  return canonicalJson(parsed);
}

function keysInOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(keysInOrder);
  let previous: string | undefined;
  for (const key in value as Record<string, unknown>) {
    if (previous !== undefined && !(previous < key)) return false;
    if (!keysInOrder((value as Record<string, unknown>)[key])) return false;
    previous = key;
  }
  return true;
}

/** The RFC 9162 leaf hash of a stored entry: SHA-256(0x00 || its canonical JSON). */
export function storedEntryLeaf(text: string): Buffer {
  return leafHash(canonicalTextOf(text, JSON.parse(text)));
}
