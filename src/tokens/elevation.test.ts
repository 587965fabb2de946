import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import type { Store } from '../store/index.js';
import { temporaryStore } from './__fixtures__/temporary-store.js';
import { decideScopeRequest } from './decide-request.js';
import { ScopeElevation, type RunScopeNeed } from './elevation.js';
import { TokenError } from './errors.js';

const ORG = 'acme';
const START = Date.UTC(2026, 10, 26, 12, 0, 0);

let harness: Awaited<ReturnType<typeof temporaryStore>>;
let store: Store;
let clock: ManualClock;

beforeEach(async () => {
  harness = await temporaryStore();
  store = harness.store;
  clock = new ManualClock(START);
});

afterEach(async () => harness.close());

function elevation(jitScopes = ['itops:*']): ScopeElevation {
  return new ScopeElevation({
    store,
    jit: { scopes: jitScopes, defaultSeconds: 600, maxSeconds: 3600 },
    delegation: { operator: ['itops:*'] },
    requestExpirySeconds: 3600,
    clock,
  });
}

function need(overrides: Partial<RunScopeNeed> = {}): RunScopeNeed {
  return {
    orgId: ORG,
    run: { id: 'run_1', requestedBy: 'olga' },
    agent: { id: 'ops-bot', environment: 'dev' },
    user: { roles: ['operator'], disabled: false },
    stepIndex: 3,
    scope: 'itops:service.restart:web-1',
    resource: 'Service::web-1',
    reason: 'the playbook restarts web-1',
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

describe('ScopeElevation.forRun', () => {
  it('records one request per run, step and scope, however often the gate asks', async () => {
    const first = await elevation().forRun(need());
    expect(first).toMatchObject({ kind: 'pending', created: true });
    const again = await elevation().forRun(need());
    expect(again).toMatchObject({ kind: 'pending', created: false });
    const requests = await store.scopeRequests.list(ORG);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      kind: 'jit',
      runId: 'run_1',
      stepIndex: 3,
      scope: 'itops:service.restart:web-1',
      resource: 'Service::web-1',
      durationSeconds: 600,
      requestedBy: 'olga',
      runRequestedBy: 'olga',
      status: 'pending',
      expiresAt: new Date(START + 3600_000).toISOString(),
    });
  });

  it('asks for nothing the settings do not make elevatable or the user may not delegate', async () => {
    expect(await elevation([]).forRun(need())).toMatchObject({ kind: 'not-elevatable' });
    expect(
      await elevation(['finance:*']).forRun(need({ scope: 'finance:ledger.post:1' })),
    ).toMatchObject({
      kind: 'not-elevatable',
      reason: 'olga may not delegate finance:ledger.post:1',
    });
    expect(await store.scopeRequests.list(ORG)).toEqual([]);
  });

  it('reports a denied request instead of asking again', async () => {
    const created = await elevation().forRun(need());
    if (created.kind !== 'pending') throw new Error('expected a request');
    await decideScopeRequest(
      store,
      ORG,
      created.request.id,
      { id: 'ada' },
      { decision: 'deny' },
      clock,
    );
    expect(await elevation().forRun(need())).toMatchObject({ kind: 'denied' });
  });
});

describe('decideScopeRequest', () => {
  async function pending(): Promise<string> {
    const created = await elevation().forRun(need());
    if (created.kind !== 'pending') throw new Error('expected a request');
    return created.request.id;
  }

  it('creates a just-in-time grant for the run on approval, narrowed in time', async () => {
    const id = await pending();
    const decided = await decideScopeRequest(
      store,
      ORG,
      id,
      { id: 'ada' },
      { decision: 'approve', durationSeconds: 120, reason: 'ok' },
      clock,
    );
    expect(decided.request).toMatchObject({
      status: 'approved',
      decidedBy: 'ada',
      grantedScope: 'itops:service.restart:web-1',
      grantedSeconds: 120,
      grantId: decided.grant?.id,
    });
    expect(await store.grants.get(ORG, decided.grant?.id ?? '')).toMatchObject({
      kind: 'jit',
      runId: 'run_1',
      agentId: 'ops-bot',
      scopes: ['itops:service.restart:web-1'],
      approvedBy: 'ada',
      expiresAt: new Date(START + 120_000).toISOString(),
    });
  });

  it('refuses the person who started the run or asked for the scope', async () => {
    const id = await pending();
    const error = await refusal(
      decideScopeRequest(store, ORG, id, { id: 'olga' }, { decision: 'approve' }, clock),
    );
    expect(error.code).toBe('self-approval');
    expect((await store.scopeRequests.get(ORG, id))?.status).toBe('pending');
  });

  it.each([
    ['a wider scope', { scope: 'itops:service.restart' }, 'bad-scope'],
    ['another resource', { scope: 'itops:service.restart:web-2' }, 'bad-scope'],
    ['a malformed scope', { scope: 'itops' }, 'bad-scope'],
    ['a longer duration', { durationSeconds: 601 }, 'bad-duration'],
    ['a zero duration', { durationSeconds: 0 }, 'bad-duration'],
  ])('refuses an approval that widens: %s', async (_name, change, code) => {
    const id = await pending();
    const error = await refusal(
      decideScopeRequest(store, ORG, id, { id: 'ada' }, { decision: 'approve', ...change }, clock),
    );
    expect(error.code).toBe(code);
    expect(await store.grants.list(ORG)).toEqual([]);
  });

  it('settles once: a second decision is a conflict and creates no second grant', async () => {
    const id = await pending();
    const [left, right] = await Promise.allSettled([
      decideScopeRequest(store, ORG, id, { id: 'ada' }, { decision: 'approve' }, clock),
      decideScopeRequest(store, ORG, id, { id: 'sam' }, { decision: 'approve' }, clock),
    ]);
    expect([left.status, right.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect(await store.grants.list(ORG)).toHaveLength(1);
    const late = await refusal(
      decideScopeRequest(store, ORG, id, { id: 'sam' }, { decision: 'deny' }, clock),
    );
    expect(late.code).toBe('request-settled');
  });

  it('expires a request nobody decided in time', async () => {
    const id = await pending();
    clock.advance(3600_000);
    const error = await refusal(
      decideScopeRequest(store, ORG, id, { id: 'ada' }, { decision: 'approve' }, clock),
    );
    expect(error.code).toBe('request-settled');
    expect((await store.scopeRequests.get(ORG, id))?.status).toBe('expired');
    expect(await store.grants.list(ORG)).toEqual([]);
  });

  it('refuses an unknown request', async () => {
    const error = await refusal(
      decideScopeRequest(store, ORG, 'scr_nope', { id: 'ada' }, { decision: 'deny' }, clock),
    );
    expect(error.code).toBe('request-not-found');
  });
});
