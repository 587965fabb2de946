import { randomBytes } from 'node:crypto';

/**
 * Identifiers: a prefix naming the kind, then a time-ordered part and randomness, so ids sort
 * by creation and say what they are in logs (`run_01hx...`).
 */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  const random = randomBytes(10).toString('base64url').replace(/[-_]/g, 'x').toLowerCase();
  return `${prefix}_${time}${random}`;
}

/** A random secret, base64url, with at least `bytes` bytes of entropy. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
