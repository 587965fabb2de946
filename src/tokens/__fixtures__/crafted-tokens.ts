import { CompactSign } from 'jose';
import type { CryptoKey } from 'jose';
import type { CastellanConfig } from '../../config/index.js';

/** Token settings used across the tokens room's tests. */
export const testConfig: CastellanConfig['tokens'] = {
  issuer: 'castellan-test',
  audience: 'castellan-gate',
  ttlSeconds: 900,
  clockToleranceSeconds: 5,
};

/** The moment every test clock starts at. */
export const START = Date.UTC(2026, 0, 1, 12, 0, 0);
const startSeconds = Math.floor(START / 1000);

/** A complete, valid payload for a token issued at START; tests override single claims. */
export function validPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: testConfig.issuer,
    aud: testConfig.audience,
    sub: 'alice',
    act: { sub: 'agent-ops' },
    client_id: 'castellan-runtime',
    scope: 'itops:service.restart:web-1 itops:service.read',
    run_id: 'run_1',
    org_id: 'default',
    iat: startSeconds,
    nbf: startSeconds,
    exp: startSeconds + 900,
    jti: 'jti_test',
    ...overrides,
  };
}

/** Base64url of a JSON value, for building tokens by hand. */
export function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs any header and payload with any key and algorithm jose supports, unchecked. */
export async function signRaw(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey | Uint8Array,
): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  return new CompactSign(bytes).setProtectedHeader(header as { alg: string }).sign(key);
}

/** Removes one member from a payload. */
export function without(payload: Record<string, unknown>, name: string): Record<string, unknown> {
  const copy = { ...payload };
  delete copy[name];
  return copy;
}

/** Signs with Ed25519 directly, for headers jose itself refuses to produce (unknown `crit`). */
export async function signByHand(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: CryptoKey,
): Promise<string> {
  const input = `${encodePart(header)}.${encodePart(payload)}`;
  const signature = await crypto.subtle.sign(
    'Ed25519',
    privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}
