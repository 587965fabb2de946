import { IdentityError } from './errors.js';

/** The longest presented API key looked at; anything longer is refused unread. */
export const MAX_API_KEY_LENGTH = 200;

/** Bytes of randomness in an API key's secret. */
export const API_KEY_SECRET_BYTES = 32;

/** The prefix every Castellan API key starts with, so scanners can spot leaked keys. */
export const API_KEY_PREFIX = 'cst_';

/** The two parts of a presented key: the public id (looked up) and the secret (hashed). */
export interface PresentedApiKey {
  keyId: string;
  secret: string;
}

// cst_<key id from newId('key'): lower-case letters and digits>_<32 bytes of base64url>.
// The secret's length is fixed, so an `_` inside the base64url secret cannot shift the split.
const FORMAT = /^cst_(key_[a-z0-9]{8,64})_([A-Za-z0-9_-]{43})$/;

/** Writes a key in its presented form. */
export function formatApiKey(keyId: string, secret: string): string {
  return `${API_KEY_PREFIX}${keyId}_${secret}`;
}

/**
 * Splits a presented key. The text is attacker-controlled: its type and length are checked
 * before the pattern, and nothing is looked up unless the whole key has the expected form.
 */
export function parseApiKey(presented: unknown): PresentedApiKey {
  if (typeof presented !== 'string' || presented.length > MAX_API_KEY_LENGTH) {
    throw malformed();
  }
  const match = FORMAT.exec(presented);
  if (match === null) throw malformed();
  const [, keyId = '', secret = ''] = match;
  return { keyId, secret };
}

function malformed(): IdentityError {
  return new IdentityError('malformed-credential', 'the API key is not in the cst_… format');
}
