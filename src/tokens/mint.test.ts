import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { START, testConfig } from './__fixtures__/crafted-tokens.js';
import { TokenError } from './errors.js';
import { generateInstanceKeys } from './instance-keys.js';
import type { InstanceKeys } from './instance-keys.js';
import { mintCapabilityToken } from './mint.js';
import type { MintClaims } from './mint.js';

let keys: InstanceKeys;
beforeAll(async () => {
  keys = await generateInstanceKeys();
});

const claims: MintClaims = {
  sub: 'alice',
  act: { sub: 'agent-ops' },
  scopes: ['itops:service.restart:web-1', 'itops:service.read'],
  runId: 'run_1',
  orgId: 'default',
};

describe('mintCapabilityToken', () => {
  it('writes an RFC 9068 header and the run claims', async () => {
    const minted = await mintCapabilityToken(keys, testConfig, claims, new ManualClock(START));
    expect(decodeProtectedHeader(minted.token)).toEqual({
      alg: 'EdDSA',
      typ: 'at+jwt',
      kid: keys.kid,
    });
    const now = START / 1000;
    expect(decodeJwt(minted.token)).toEqual({
      iss: testConfig.issuer,
      aud: testConfig.audience,
      sub: 'alice',
      act: { sub: 'agent-ops' },
      client_id: 'castellan-runtime',
      scope: 'itops:service.restart:web-1 itops:service.read',
      run_id: 'run_1',
      org_id: 'default',
      iat: now,
      nbf: now,
      exp: now + 900,
      jti: minted.jti,
    });
    expect(minted.jti).toMatch(/^jti_/);
    expect(minted.expiresAt).toEqual(new Date(START + 900 * 1000));
  });

  it('uses the configured lifetime when it is shorter', async () => {
    const config = { ...testConfig, ttlSeconds: 60 };
    const minted = await mintCapabilityToken(keys, config, claims, new ManualClock(START));
    expect(minted.expiresAt).toEqual(new Date(START + 60 * 1000));
  });

  it('caps the lifetime at 900 seconds even when asked for more', async () => {
    const config = { ...testConfig, ttlSeconds: 86_400 };
    const minted = await mintCapabilityToken(keys, config, claims, new ManualClock(START));
    const payload = decodeJwt(minted.token);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);
  });

  it('names the client when asked and drops repeated scopes', async () => {
    const minted = await mintCapabilityToken(
      keys,
      testConfig,
      { ...claims, clientId: 'castellan-cli', scopes: ['a:b.c', 'a:b.c'] },
      new ManualClock(START),
    );
    expect(decodeJwt(minted.token)).toMatchObject({ client_id: 'castellan-cli', scope: 'a:b.c' });
  });

  it('gives every token its own jti', async () => {
    const clock = new ManualClock(START);
    const first = await mintCapabilityToken(keys, testConfig, claims, clock);
    const second = await mintCapabilityToken(keys, testConfig, claims, clock);
    expect(first.jti).not.toBe(second.jti);
  });

  it.each([
    ['a malformed scope', { scopes: ['itops:*'] }, 'bad-scope'],
    ['a scope with a space', { scopes: ['a:b.c d:e.f'] }, 'bad-scope'],
    ['an empty subject', { sub: '' }, 'bad-claims'],
    ['an empty actor', { act: { sub: '' } }, 'bad-claims'],
    ['an empty client id', { clientId: '' }, 'bad-claims'],
    ['an oversized run id', { runId: 'r'.repeat(513) }, 'bad-claims'],
  ])('refuses %s', async (_name, change, code) => {
    const minting = mintCapabilityToken(
      keys,
      testConfig,
      { ...claims, ...change },
      new ManualClock(START),
    );
    await expect(minting).rejects.toMatchObject({ code, kind: 'bad-input' });
  });

  it('refuses a lifetime that is not a positive whole number', async () => {
    const config = { ...testConfig, ttlSeconds: 0 };
    await expect(
      mintCapabilityToken(keys, config, claims, new ManualClock(START)),
    ).rejects.toBeInstanceOf(TokenError);
  });

  it('refuses to mint a token verification would refuse for size', async () => {
    const scopes = Array.from({ length: 200 }, (_, index) => `itops:service.restart:web-${index}x`);
    await expect(
      mintCapabilityToken(keys, testConfig, { ...claims, scopes }, new ManualClock(START)),
    ).rejects.toMatchObject({ code: 'bad-claims' });
  });
});
