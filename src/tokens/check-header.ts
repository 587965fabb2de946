import { TokenError } from './errors.js';
import { TOKEN_ALGORITHM, TOKEN_TYPE } from './limits.js';

/*
 * Checks on the JOSE header before any signature work. The header is attacker-controlled and
 * not yet authenticated; these checks only narrow what reaches the verifier, which pins the
 * algorithm again on its own.
 */

/** Accepts only `alg: EdDSA`: refuses `none`, HMAC (key confusion) and every other algorithm. */
export function checkAlgorithm(header: Record<string, unknown>): void {
  if (header.alg !== TOKEN_ALGORITHM) {
    throw new TokenError('bad-algorithm', `algorithm ${describe(header.alg)} is not accepted`);
  }
}

/** Accepts only `typ: at+jwt`, so an ID token or another JWT cannot pass as a capability. */
export function checkType(header: Record<string, unknown>): void {
  if (header.typ !== TOKEN_TYPE) {
    throw new TokenError('wrong-type', `token type ${describe(header.typ)} is not ${TOKEN_TYPE}`);
  }
}

/** Accepts only the instance key's id; a token signed by any other key is refused by name. */
export function checkKeyId(header: Record<string, unknown>, kid: string): void {
  if (header.kid !== kid) {
    throw new TokenError('unknown-key', `key ${describe(header.kid)} is not this instance's key`);
  }
}

// Echoes at most a short, printable rendering of an untrusted value into an error message.
function describe(value: unknown): string {
  if (typeof value !== 'string') return `(${typeof value})`;
  return JSON.stringify(value.slice(0, 40).replace(/[^\x20-\x7e]/g, '?'));
}
