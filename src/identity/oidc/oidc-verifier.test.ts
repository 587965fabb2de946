import { createServer } from 'node:net';
import { generateKeyPair, SignJWT, exportJWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  API_AUDIENCE,
  OTHER_RESOURCE,
  startTestIssuer,
  type TestIssuer,
} from '../../../test/support/oidc-issuer.js';
import { ManualClock } from '../../core/index.js';
import { IdentityError } from '../errors.js';
import { OidcVerifier } from './oidc-verifier.js';
import type { OidcSettings } from './issuer-keys.js';

let issuer: TestIssuer;
let clock: ManualClock;

beforeAll(async () => {
  issuer = await startTestIssuer();
});

afterAll(async () => issuer.close());

beforeEach(() => {
  issuer.mode = 'normal';
  clock = new ManualClock(Date.now());
});

function settings(overrides: Partial<OidcSettings> = {}): OidcSettings {
  return {
    issuer: issuer.issuer,
    audience: API_AUDIENCE,
    rolesClaim: 'groups',
    roleMapping: {
      'castellan-operators': ['operator'],
      'castellan-admins': ['admin', 'approver:finance'],
      'castellan-security': ['security-admin'],
      everyone: ['not-a-role'],
    },
    usernameClaim: 'sub',
    algorithms: ['RS256'],
    leewaySeconds: 30,
    jwksCacheSeconds: 600,
    fetchTimeoutMs: 500,
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<IdentityError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(IdentityError);
  return error as IdentityError;
}

/** A token signed with the issuer's own key, with any claims a test wants. */
async function crafted(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: issuer.issuer,
    aud: API_AUDIENCE,
    sub: 'ops-app',
    iat: now,
    exp: now + 300,
    groups: ['castellan-operators'],
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: issuer.kid, typ: 'at+jwt', ...header } as never)
    .sign(issuer.privateKey);
}

function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('OidcVerifier with a real oidc-provider', () => {
  it('accepts a client-credentials JWT access token and maps its groups to roles', async () => {
    const verifier = new OidcVerifier(settings(), clock);
    const identity = await verifier.verify(await issuer.token('admin-app'));
    expect(identity).toEqual({
      userId: 'oidc:admin-app',
      displayName: 'admin-app (test)',
      roles: ['admin', 'approver:finance'],
      issuer: issuer.issuer,
      subject: 'admin-app',
    });
    const operator = await verifier.verify(await issuer.token('ops-app'));
    expect(operator.roles).toEqual(['operator']);
    // A group the mapping names only with a malformed role, or not at all, gives no role.
    expect((await verifier.verify(await issuer.token('nobody-app'))).roles).toEqual([]);
  });

  it('fetches discovery and keys once and serves later tokens from the cache', async () => {
    const verifier = new OidcVerifier(settings(), clock);
    const before = issuer.jwksFetches;
    for (let index = 0; index < 5; index += 1) await verifier.verify(await issuer.token('ops-app'));
    expect(issuer.jwksFetches - before).toBe(1);
  });

  it('refuses a token the issuer minted for another audience', async () => {
    const verifier = new OidcVerifier(settings(), clock);
    const error = await refusal(verifier.verify(await issuer.token('ops-app', OTHER_RESOURCE)));
    expect(error).toMatchObject({ code: 'oidc-wrong-audience', kind: 'unauthenticated' });
  });

  it.each([
    ['another issuer', { iss: 'https://evil.example' }, 'oidc-wrong-issuer'],
    ['no exp', { exp: undefined }, 'oidc-missing-claim'],
    ['no sub', { sub: undefined }, 'oidc-missing-claim'],
    ['a sub with spaces', { sub: 'ops app' }, 'oidc-bad-subject'],
    ['an exp that is text', { exp: 'soon' }, 'oidc-malformed'],
  ])('refuses a token with %s', async (_name, claims, code) => {
    const verifier = new OidcVerifier(settings(), clock);
    const error = await refusal(verifier.verify(await crafted(claims)));
    expect(error.code).toBe(code);
  });

  it('tolerates clock skew within the leeway and refuses it beyond', async () => {
    const verifier = new OidcVerifier(settings(), clock);
    const token = await issuer.token('ops-app');
    clock.set(Date.now() - 20_000);
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'oidc:ops-app' });
    clock.set(Date.now() - 10 * 60_000);
    expect((await refusal(verifier.verify(token))).code).toBe('oidc-not-yet-valid');
    clock.set(Date.now() + 300_000 + 20_000);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    clock.set(Date.now() + 300_000 + 60_000);
    expect((await refusal(verifier.verify(token))).code).toBe('oidc-expired');
    const early = await crafted({ nbf: Math.floor(Date.now() / 1000) + 600 });
    clock.set(Date.now());
    expect((await refusal(verifier.verify(early))).code).toBe('oidc-not-yet-valid');
  });

  it('refuses alg none, HMAC with the public key, and algorithms not configured', async () => {
    const verifier = new OidcVerifier(settings(), clock);
    const claims = {
      iss: issuer.issuer,
      aud: API_AUDIENCE,
      sub: 'ops-app',
      exp: Math.floor(Date.now() / 1000) + 300,
    };
    const none = `${part({ alg: 'none', kid: issuer.kid })}.${part(claims)}.`;
    expect((await refusal(verifier.verify(none))).code).toBe('oidc-bad-algorithm');
    const publicJwk = await exportJWK(issuer.privateKey);
    const secret = new TextEncoder().encode(
      JSON.stringify({ kty: 'RSA', n: publicJwk.n, e: publicJwk.e }),
    );
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: issuer.kid })
      .sign(secret);
    expect((await refusal(verifier.verify(hmac))).code).toBe('oidc-bad-algorithm');
    const ec = await generateKeyPair('ES256');
    const es = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: issuer.kid })
      .sign(ec.privateKey);
    expect((await refusal(verifier.verify(es))).code).toBe('oidc-bad-algorithm');
  });

  it('refuses a signature by another key under the issuer’s kid, and an unknown kid', async () => {
    const verifier = new OidcVerifier(settings(), clock);
    const impostor = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({
      iss: issuer.issuer,
      aud: API_AUDIENCE,
      sub: 'admin-app',
      exp: now + 60,
    })
      .setProtectedHeader({ alg: 'RS256', kid: issuer.kid })
      .sign(impostor.privateKey);
    expect((await refusal(verifier.verify(forged))).code).toBe('oidc-bad-signature');
    const before = issuer.jwksFetches;
    const unknown = await crafted({}, { kid: 'rotated-away' });
    expect((await refusal(verifier.verify(unknown))).code).toBe('oidc-unknown-key');
    // An unknown kid may refresh the cached keys, but not on every request.
    expect((await refusal(verifier.verify(unknown))).code).toBe('oidc-unknown-key');
    expect(issuer.jwksFetches - before).toBeLessThanOrEqual(1);
  });

  it.each([
    ['garbage', 'garbage', 'oidc-malformed'],
    ['three dots of nothing', 'a.b.c', 'oidc-malformed'],
    ['a header without alg', `${part({ kid: 'x' })}.${part({})}.c2ln`, 'oidc-bad-algorithm'],
    // The signature is checked before the payload is read.
    [
      'a payload that is not JSON',
      `${part({ alg: 'RS256' })}.bm90IGpzb24.c2ln`,
      'oidc-bad-signature',
    ],
    ['an oversized token', `${part({ alg: 'RS256' })}.${'a'.repeat(9000)}.c2ln`, 'oidc-malformed'],
  ])('refuses %s', async (_name, token, code) => {
    const verifier = new OidcVerifier(settings(), clock);
    expect((await refusal(verifier.verify(token))).code).toBe(code);
  });
});

describe('OidcVerifier when the issuer misbehaves', () => {
  it.each([
    ['garbage-jwks', 'oidc-jwks-invalid', 'unauthenticated'],
    ['garbage-discovery', 'oidc-discovery-invalid', 'unauthenticated'],
    ['wrong-issuer', 'oidc-discovery-invalid', 'unauthenticated'],
    ['silent', 'oidc-unavailable', 'unavailable'],
  ] as const)('refuses with a clear code when the issuer is %s', async (mode, code, kind) => {
    const token = await issuer.token('ops-app');
    issuer.mode = mode;
    const verifier = new OidcVerifier(settings({ fetchTimeoutMs: 300 }), clock);
    const error = await refusal(verifier.verify(token));
    expect(error).toMatchObject({ code, kind });
  });

  it('fails closed at once when the issuer cannot be reached, and does not hammer it', async () => {
    const port = await closedPort();
    const verifier = new OidcVerifier(settings({ issuer: `http://127.0.0.1:${port}` }), clock);
    const token = await crafted({ iss: `http://127.0.0.1:${port}` });
    const started = Date.now();
    expect(await refusal(verifier.verify(token))).toMatchObject({
      code: 'oidc-unavailable',
      kind: 'unavailable',
    });
    expect(await refusal(verifier.verify(token))).toMatchObject({ code: 'oidc-unavailable' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not use keys past their cache lifetime when the issuer is gone', async () => {
    const verifier = new OidcVerifier(settings({ jwksCacheSeconds: 60 }), clock);
    const token = await issuer.token('ops-app');
    await verifier.verify(token);
    issuer.mode = 'silent';
    clock.advance(30_000);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    clock.advance(31_000);
    expect((await refusal(verifier.verify(token))).code).toBe('oidc-unavailable');
    issuer.mode = 'normal';
    clock.advance(6000);
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
