import { TokenError } from './errors.js';
import { MAX_TOKEN_BYTES } from './limits.js';

/** The decoded, not yet trusted, parts of a compact JWS. */
export interface UntrustedCompactToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits and decodes a compact JWS without checking its signature. The token is attacker-
 * controlled: its size is bounded before anything else looks at it, each part must be strict
 * base64url, and header and payload must be JSON objects. Nothing here is trusted afterwards
 * except as input to the checks that follow.
 */
export function decodeCompactToken(token: unknown): UntrustedCompactToken {
  if (typeof token !== 'string') throw malformed('the token is not a string');
  // Length in UTF-16 units bounds the work below; any non-ASCII character fails BASE64URL anyway.
  if (token.length > MAX_TOKEN_BYTES) throw malformed(`the token exceeds ${MAX_TOKEN_BYTES} bytes`);
  const parts = token.split('.');
  if (parts.length !== 3) throw malformed('the token does not have three parts');
  const [header = '', payload = '', signature = ''] = parts;
  // An empty signature is let through so that `alg: none` is refused by name just below.
  if (signature !== '' && !isBase64url(signature))
    throw malformed('the signature is not base64url');
  return {
    header: decodeJsonObject(header, 'header'),
    payload: decodeJsonObject(payload, 'payload'),
  };
}

function decodeJsonObject(part: string, name: string): Record<string, unknown> {
  if (!isBase64url(part)) throw malformed(`the ${name} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(Buffer.from(part, 'base64url')));
  } catch (cause) {
    throw malformed(`the ${name} is not JSON`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`the ${name} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

// Buffer.from(…, 'base64url') skips characters it does not know, so check the alphabet first;
// a length of 1 mod 4 cannot come from any byte string.
function isBase64url(part: string): boolean {
  return BASE64URL.test(part) && part.length % 4 !== 1;
}

function malformed(message: string, cause?: unknown): TokenError {
  return new TokenError('malformed', message, cause === undefined ? {} : { cause });
}
