import { exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../core/index.js';
import {
  encodePart,
  signByHand,
  signRaw,
  START,
  testConfig,
  validPayload,
  without,
} from './__fixtures__/crafted-tokens.js';
import { TokenError } from './errors.js';
import type { TokenErrorCode } from './errors.js';
import { generateInstanceKeys } from './instance-keys.js';
import type { InstanceKeys } from './instance-keys.js';
import { mintCapabilityToken } from './mint.js';
import { verifyCapabilityToken } from './verify.js';
import type { VerifyOptions } from './verify.js';

let keys: InstanceKeys;
let header: Record<string, unknown>;
let engine: 'node' | 'jose' = 'node';

beforeAll(async () => {
  keys = await generateInstanceKeys();
  header = { alg: 'EdDSA', typ: 'at+jwt', kid: keys.kid };
});

function options(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return { clock: new ManualClock(START), isRevoked: async () => false, engine, ...overrides };
}

async function refusal(
  token: string,
  verifyOptions: VerifyOptions = options(),
  config = testConfig,
): Promise<TokenError> {
  const error = await verifyCapabilityToken(token, keys, config, verifyOptions).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TokenError);
  return error as TokenError;
}

async function expectCode(token: string, code: TokenErrorCode, verifyOptions?: VerifyOptions) {
  const error = await refusal(token, verifyOptions);
  expect(error.code).toBe(code);
  return error;
}

function signed(payload = validPayload(), tokenHeader = header): Promise<string> {
  return signRaw(tokenHeader, payload, keys.privateKey);
}

// A token that has just been accepted once, so its signature is remembered.
async function signedAndVerified(): Promise<string> {
  const token = await signed();
  await expect(verifyCapabilityToken(token, keys, testConfig, options())).resolves.toBeDefined();
  return token;
}

// Both verification engines make the same checks: every case runs against each.
describe.each(['node', 'jose'] as const)('with the %s engine', (name) => {
  beforeAll(() => {
    engine = name;
  });

  describe('verifyCapabilityToken accepts', () => {
    it('a minted token and returns its claims', async () => {
      const clock = new ManualClock(START);
      const minted = await mintCapabilityToken(
        keys,
        testConfig,
        {
          sub: 'alice',
          act: { sub: 'agent-ops' },
          scopes: ['itops:service.restart:web-1', 'itops:service.read'],
          runId: 'run_9',
          orgId: 'default',
        },
        clock,
      );
      const isRevoked = vi.fn(async () => false);
      const claims = await verifyCapabilityToken(minted.token, keys, testConfig, {
        clock,
        isRevoked,
      });
      expect(claims).toEqual({
        sub: 'alice',
        act: { sub: 'agent-ops' },
        scopes: ['itops:service.restart:web-1', 'itops:service.read'],
        runId: 'run_9',
        orgId: 'default',
        jti: minted.jti,
        iat: new Date(START),
        exp: minted.expiresAt,
        clientId: 'castellan-runtime',
      });
      expect(isRevoked).toHaveBeenCalledWith(minted.jti, claims);
    });

    it('a token with no scopes as an empty list', async () => {
      const claims = await verifyCapabilityToken(
        await signed(validPayload({ scope: '' })),
        keys,
        testConfig,
        options(),
      );
      expect(claims.scopes).toEqual([]);
    });

    it('a token just past exp while inside the clock tolerance', async () => {
      const clock = new ManualClock(START + (900 + 4) * 1000);
      await expect(
        verifyCapabilityToken(await signed(), keys, testConfig, options({ clock })),
      ).resolves.toMatchObject({ sub: 'alice' });
    });

    it('a nested act when maxActDepth allows it', async () => {
      const nested = validPayload({ act: { sub: 'agent-a', act: { sub: 'agent-b' } } });
      const claims = await verifyCapabilityToken(
        await signed(nested),
        keys,
        testConfig,
        options({ maxActDepth: 2 }),
      );
      expect(claims.act).toEqual({ sub: 'agent-a' });
    });
  });

  describe('verifyCapabilityToken refuses as malformed', () => {
    it.each([
      ['garbage', 'not a token'],
      ['two parts', 'abc.def'],
      ['four parts', 'a.b.c.d'],
      ['an empty string', ''],
      ['a non-base64url header', `${'!!!!'}.${encodePart({})}.sig`],
      [
        'a header that is not JSON',
        `${Buffer.from('{nope').toString('base64url')}.${encodePart({})}.c2ln`,
      ],
      ['a header that is an array', `${encodePart(['EdDSA'])}.${encodePart({})}.c2ln`],
      [
        'a payload that is not JSON',
        `${encodePart({ alg: 'EdDSA' })}.${Buffer.from('x').toString('base64url')}.c2ln`,
      ],
      ['a payload that is null', `${encodePart({ alg: 'EdDSA' })}.${encodePart(null)}.c2ln`],
      ['a signature with bad characters', `${encodePart({ alg: 'EdDSA' })}.${encodePart({})}.a+b/`],
      ['a part of impossible length', `${encodePart({ alg: 'EdDSA' })}.${encodePart({})}.abcde`],
    ])('%s', async (_name, token) => {
      await expectCode(token, 'malformed');
    });

    it('a value that is not a string', async () => {
      await expectCode(42 as unknown as string, 'malformed');
    });

    it('a header with invalid UTF-8', async () => {
      const bad = Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url');
      await expectCode(`${bad}.${encodePart({})}.c2ln`, 'malformed');
    });

    it('an oversized token before parsing or asking the revocation list', async () => {
      const isRevoked = vi.fn(async () => false);
      const big = await signed(validPayload({ padding: 'x'.repeat(9000) }));
      const error = await expectCode(big, 'malformed', options({ isRevoked }));
      expect(error.message).toContain('8192');
      expect(isRevoked).not.toHaveBeenCalled();
      // A string of 8193 dots would split into many parts; size is refused first all the same.
      expect((await refusal('.'.repeat(8193))).message).toContain('8192');
    });

    it('a claim of the wrong type', async () => {
      await expectCode(await signed(validPayload({ scope: ['a:b.c'] })), 'malformed');
      await expectCode(await signed(validPayload({ act: 'agent-ops' })), 'malformed');
      await expectCode(await signed(validPayload({ exp: 'tomorrow' })), 'malformed');
    });

    it('a nested act without a subject', async () => {
      const nested = validPayload({ act: { sub: 'a', act: { name: 'b' } } });
      await expectCode(await signed(nested), 'malformed', options({ maxActDepth: 3 }));
    });

    it('an unknown critical header extension', async () => {
      const critical = { ...header, crit: ['x-castellan'], 'x-castellan': true };
      const control = await signByHand(header, validPayload(), keys.privateKey);
      await expect(
        verifyCapabilityToken(control, keys, testConfig, options()),
      ).resolves.toBeDefined();
      await expectCode(await signByHand(critical, validPayload(), keys.privateKey), 'malformed');
    });
  });

  describe('verifyCapabilityToken refuses the algorithm', () => {
    it('alg none with an empty signature', async () => {
      const token = `${encodePart({ ...header, alg: 'none' })}.${encodePart(validPayload())}.`;
      await expectCode(token, 'bad-algorithm');
    });

    it('HS256 signed with the public key bytes (key confusion)', async () => {
      const hmac = { ...header, alg: 'HS256' };
      const rawPublic = Buffer.from(String(keys.publicJwk.x), 'base64url');
      await expectCode(await signRaw(hmac, validPayload(), rawPublic), 'bad-algorithm');
      const jwkText = new TextEncoder().encode(JSON.stringify(keys.publicJwk));
      await expectCode(await signRaw(hmac, validPayload(), jwkText), 'bad-algorithm');
    });

    it('ES256 and the fully specified Ed25519 name', async () => {
      const ec = await generateKeyPair('ES256');
      await expectCode(
        await signRaw({ ...header, alg: 'ES256' }, validPayload(), ec.privateKey),
        'bad-algorithm',
      );
      await expectCode(
        await signed(validPayload(), { ...header, alg: 'Ed25519' }),
        'bad-algorithm',
      );
    });

    it('a missing alg', async () => {
      const token = `${encodePart({ typ: 'at+jwt', kid: keys.kid })}.${encodePart(validPayload())}.c2ln`;
      await expectCode(token, 'bad-algorithm');
    });
  });

  describe('verifyCapabilityToken refuses the signature', () => {
    it('from another Ed25519 key that claims the instance kid', async () => {
      const impostor = await generateInstanceKeys();
      await expectCode(await signRaw(header, validPayload(), impostor.privateKey), 'bad-signature');
    });

    it('over a tampered payload, without asking the revocation list', async () => {
      const [head = '', , signature = ''] = (await signed()).split('.');
      const widened = encodePart(validPayload({ scope: 'itops:service.restart' }));
      const isRevoked = vi.fn(async () => false);
      await expectCode(`${head}.${widened}.${signature}`, 'bad-signature', options({ isRevoked }));
      expect(isRevoked).not.toHaveBeenCalled();
    });

    it('over a tampered header', async () => {
      const [, body = '', signature = ''] = (await signed()).split('.');
      const head = encodePart({ ...header, extra: 1 });
      await expectCode(`${head}.${body}.${signature}`, 'bad-signature');
    });

    it('over a tampered copy of a token that verified just before', async () => {
      const token = await signedAndVerified();
      const [head = '', , signature = ''] = token.split('.');
      const widened = encodePart(validPayload({ scope: 'itops:service.restart' }));
      await expectCode(`${head}.${widened}.${signature}`, 'bad-signature');
    });

    it('under another key, of a token that verified under this one', async () => {
      const token = await signedAndVerified();
      const impostor = { ...(await generateInstanceKeys()), kid: keys.kid };
      const error = await verifyCapabilityToken(token, impostor, testConfig, options()).catch(
        (thrown: unknown) => thrown,
      );
      expect((error as TokenError).code).toBe('bad-signature');
    });

    it('that is empty under alg EdDSA', async () => {
      const token = `${encodePart(header)}.${encodePart(validPayload())}.`;
      await expectCode(token, 'bad-signature');
    });
  });

  describe('verifyCapabilityToken refuses the header', () => {
    it.each([
      ['JWT', { typ: 'JWT' }],
      ['application/at+jwt spelled long', { typ: 'application/at+jwt' }],
      ['missing', { typ: undefined }],
    ])('typ %s as wrong-type', async (_name, change) => {
      await expectCode(await signed(validPayload(), { ...header, ...change }), 'wrong-type');
    });

    it('an unknown or missing kid as unknown-key', async () => {
      await expectCode(await signed(validPayload(), { ...header, kid: 'other' }), 'unknown-key');
      await expectCode(await signed(validPayload(), without(header, 'kid')), 'unknown-key');
    });
  });

  describe('verifyCapabilityToken refuses the claims', () => {
    it('an expired token, judged by the given clock', async () => {
      const clock = new ManualClock(START + (900 + 5) * 1000);
      await expectCode(await signed(), 'expired', options({ clock }));
    });

    it('a token that verified before and has expired since', async () => {
      const token = await signedAndVerified();
      const clock = new ManualClock(START + (900 + 5) * 1000);
      await expectCode(token, 'expired', options({ clock }));
    });

    it('a token older than the longest lifetime even if exp says otherwise', async () => {
      const clock = new ManualClock(START + 1000 * 1000);
      const long = validPayload({ exp: Math.floor(START / 1000) + 3600 });
      await expectCode(await signed(long), 'expired', options({ clock }));
    });

    it('a token whose nbf or iat lies in the future', async () => {
      const later = Math.floor(START / 1000) + 60;
      await expectCode(await signed(validPayload({ nbf: later })), 'not-yet-valid');
      await expectCode(await signed(validPayload({ iat: later })), 'not-yet-valid');
    });

    it('a wrong audience or issuer', async () => {
      await expectCode(await signed(validPayload({ aud: 'another-gate' })), 'wrong-audience');
      await expectCode(await signed(validPayload({ iss: 'someone-else' })), 'wrong-issuer');
      const elsewhere = { ...testConfig, audience: 'elsewhere' };
      expect((await refusal(await signed(), options(), elsewhere)).code).toBe('wrong-audience');
    });

    it.each(['exp', 'jti', 'act', 'scope', 'run_id', 'org_id', 'client_id', 'sub', 'nbf', 'iat'])(
      'a token without %s as missing-claim',
      async (claim) => {
        await expectCode(await signed(without(validPayload(), claim)), 'missing-claim');
      },
    );

    it('any act when the limit is zero or not a number', async () => {
      await expectCode(await signed(), 'act-too-deep', options({ maxActDepth: 0 }));
      await expectCode(await signed(), 'act-too-deep', options({ maxActDepth: Number.NaN }));
    });

    it('a delegation chain deeper than allowed', async () => {
      const nested = validPayload({ act: { sub: 'agent-a', act: { sub: 'agent-b' } } });
      await expectCode(await signed(nested), 'act-too-deep');
      const deeper = validPayload({ act: { sub: 'a', act: { sub: 'b', act: { sub: 'c' } } } });
      await expectCode(await signed(deeper), 'act-too-deep', options({ maxActDepth: 2 }));
    });
  });

  describe('verifyCapabilityToken consults revocation', () => {
    it('refuses a revoked jti', async () => {
      const isRevoked = vi.fn(async (jti: string) => jti === 'jti_test');
      await expectCode(await signed(), 'revoked', options({ isRevoked }));
    });

    it('refuses with the code a revocation reason names, and an unknown reason as revoked', async () => {
      const answer = (code: string) =>
        options({ isRevoked: async () => ({ code, reason: 'why' }) as never });
      await expectCode(await signed(), 'kill-switch', answer('kill-switch'));
      await expectCode(await signed(), 'revoked-epoch', answer('revoked-epoch'));
      await expectCode(await signed(), 'revoked', answer('bogus'));
    });

    it('refuses when the revocation list throws, as unavailable', async () => {
      const isRevoked = async (): Promise<boolean> => {
        throw new Error('store down');
      };
      const error = await expectCode(
        await signed(),
        'revocation-unavailable',
        options({ isRevoked }),
      );
      expect(error.kind).toBe('unavailable');
    });

    it('refuses when the revocation list answers something other than false', async () => {
      const isRevoked = async () => undefined as unknown as boolean;
      await expectCode(await signed(), 'revoked', options({ isRevoked }));
    });
  });
});

describe('TokenError', () => {
  it('is unauthenticated for verification failures and names the room', async () => {
    const error = await refusal('x');
    expect(error.kind).toBe('unauthenticated');
    expect(error.reasonCode).toBe('tokens/malformed');
  });

  it('keeps a signature-checked public JWK free of private members', async () => {
    const exported = await exportJWK(keys.publicKey);
    expect(exported.d).toBeUndefined();
    expect(keys.publicJwk.d).toBeUndefined();
  });
});
