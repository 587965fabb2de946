import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../config/index.js';
import { ManualClock, newId } from '../core/index.js';
import type { GrantRecord, Store } from '../store/index.js';
import { temporaryStore } from './__fixtures__/temporary-store.js';
import { TokenError } from './errors.js';
import { TokenExchange, type ExchangeRequest } from './exchange.js';
import { generateInstanceKeys, type InstanceKeys } from './instance-keys.js';
import { revocationCheckFor } from './revocation-check.js';
import { revokeTokenByJti, revokeTokensOf, setKillSwitch } from './revoke.js';
import { verifyCapabilityToken } from './verify.js';

const ORG = 'acme';
const START = Date.UTC(2026, 10, 26, 12, 0, 0);
const tokens = configSchema.parse({}).tokens;

let harness: Awaited<ReturnType<typeof temporaryStore>>;
let store: Store;
let keys: InstanceKeys;
let clock: ManualClock;

beforeEach(async () => {
  harness = await temporaryStore();
  store = harness.store;
  keys = await generateInstanceKeys();
  clock = new ManualClock(START);
});

afterEach(async () => harness.close());

function exchanger(delegation: Record<string, string[]> = { operator: ['*'] }): TokenExchange {
  return new TokenExchange({ store, keys, tokens, delegation, clock });
}

function request(overrides: Partial<ExchangeRequest> = {}): ExchangeRequest {
  return {
    orgId: ORG,
    subject: { id: 'olga', roles: ['operator'], disabled: false },
    actor: {
      id: 'ops-bot',
      scopes: ['itops:fleet.read', 'itops:service.read', 'finance:ledger.read'],
      environment: 'dev',
    },
    run: { id: 'run_1', createdAt: new Date(START - 1000).toISOString(), previousJti: null },
    needed: ['itops:fleet.read', 'itops:service.read:*', 'itops:service.restart:*'],
    ...overrides,
  };
}

function grant(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    orgId: ORG,
    id: newId('grt'),
    kind: 'standing',
    agentId: 'ops-bot',
    environment: 'dev',
    scopes: ['itops:service.restart:web-1'],
    runId: null,
    requestId: null,
    reason: 'on call',
    requestedBy: 'olga',
    approvedBy: 'ada',
    createdAt: new Date(START).toISOString(),
    expiresAt: new Date(START + 3600_000).toISOString(),
    revokedAt: null,
    revokedBy: null,
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<TokenError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TokenError);
  return error as TokenError;
}

describe('token exchange', () => {
  it('gives the intersection of what the user delegates, the agent holds and the task needs', async () => {
    const exchanged = await exchanger().exchange(request());
    // finance is held but not needed; restart is needed but not held.
    expect(exchanged.scopes).toEqual(['itops:fleet.read', 'itops:service.read:*']);
    expect(exchanged.withheld.notHeld).toEqual(['itops:service.restart:*']);
    const claims = await verifyCapabilityToken(exchanged.token, keys, tokens, {
      clock,
      isRevoked: revocationCheckFor(store.revocationState, ORG),
    });
    expect(claims).toMatchObject({
      sub: 'olga',
      act: { sub: 'ops-bot' },
      runId: 'run_1',
      scopes: exchanged.scopes,
    });
    expect(exchanged.expiresAt.getTime() - START).toBe(900_000);
    expect(await store.issuedTokens.get(ORG, exchanged.jti)).toMatchObject({
      runId: 'run_1',
      userId: 'olga',
      agentId: 'ops-bot',
      scopes: exchanged.scopes,
      grantIds: [],
    });
  });

  it('keeps out what the user may not delegate, even when the agent holds it', async () => {
    const exchanged = await exchanger({ operator: ['itops:fleet.read'] }).exchange(request());
    expect(exchanged.scopes).toEqual(['itops:fleet.read']);
    expect(exchanged.withheld.notDelegable).toEqual([
      'itops:service.read:*',
      'itops:service.restart:*',
    ]);
    const nobody = await exchanger({ admin: ['*'] }).exchange(request());
    expect(nobody.scopes).toEqual([]);
  });

  it('adds a standing grant in force, bound to its resource, and records it', async () => {
    const standing = grant();
    await store.grants.insert(standing);
    const exchanged = await exchanger().exchange(request());
    expect(exchanged.scopes).toContain('itops:service.restart:web-1');
    expect(exchanged.grantIds).toEqual([standing.id]);
  });

  it('ignores grants of another environment, another run, expired or revoked ones', async () => {
    await store.grants.insert(grant({ environment: 'prod' }));
    await store.grants.insert(grant({ kind: 'jit', runId: 'run_other' }));
    await store.grants.insert(grant({ expiresAt: new Date(START - 1).toISOString() }));
    const revoked = grant();
    await store.grants.insert(revoked);
    await store.grants.revoke(ORG, revoked.id, new Date(START).toISOString(), 'sven');
    const exchanged = await exchanger().exchange(request());
    expect(exchanged.scopes).not.toContain('itops:service.restart:web-1');
  });

  it('mints a token that ends when the just-in-time grant behind one of its scopes ends', async () => {
    await store.grants.insert(
      grant({ kind: 'jit', runId: 'run_1', expiresAt: new Date(START + 120_000).toISOString() }),
    );
    const exchanged = await exchanger().exchange(request());
    expect(exchanged.scopes).toContain('itops:service.restart:web-1');
    expect(exchanged.expiresAt.toISOString()).toBe(new Date(START + 120_000).toISOString());
    clock.advance(121_000);
    const later = await exchanger().exchange(request());
    expect(later.scopes).not.toContain('itops:service.restart:web-1');
    expect(later.expiresAt.getTime() - clock.now().getTime()).toBe(900_000);
  });

  it('refuses a disabled user', async () => {
    const error = await refusal(
      exchanger().exchange(
        request({ subject: { id: 'olga', roles: ['operator'], disabled: true } }),
      ),
    );
    expect(error.code).toBe('subject-disabled');
  });

  it('refuses while the kill switch is on, and afterwards for runs older than it', async () => {
    await setKillSwitch(
      store,
      { orgId: ORG, by: 'sven', reason: 'incident', engaged: true },
      clock,
    );
    expect((await refusal(exchanger().exchange(request()))).code).toBe('kill-switch');
    clock.advance(1000);
    await setKillSwitch(store, { orgId: ORG, by: 'sven', reason: 'over', engaged: false }, clock);
    expect((await refusal(exchanger().exchange(request()))).code).toBe('run-revoked');
    clock.advance(1000);
    const fresh = request({
      run: { id: 'run_2', createdAt: clock.now().toISOString(), previousJti: null },
    });
    await expect(exchanger().exchange(fresh)).resolves.toMatchObject({ scopes: expect.any(Array) });
  });

  it.each(['agent', 'user', 'run'] as const)(
    're-exchange refuses a run whose %s was revoked after it started',
    async (subject) => {
      const id = subject === 'agent' ? 'ops-bot' : subject === 'user' ? 'olga' : 'run_1';
      await revokeTokensOf(store, { orgId: ORG, by: 'sven', reason: 'why', subject, id }, clock);
      expect((await refusal(exchanger().exchange(request()))).code).toBe('run-revoked');
    },
  );

  it('re-exchange refuses a run whose last token was revoked', async () => {
    const first = await exchanger().exchange(request());
    await revokeTokenByJti(
      store,
      { orgId: ORG, by: 'sven', reason: 'leak', jti: first.jti },
      clock,
    );
    const again = request({
      run: { id: 'run_1', createdAt: new Date(START - 1000).toISOString(), previousJti: first.jti },
    });
    expect((await refusal(exchanger().exchange(again))).code).toBe('run-revoked');
  });
});
