import { afterEach, describe, expect, it } from 'vitest';
import {
  decideScopeRequest,
  revokeTokenByJti,
  revokeTokensOf,
  RevocationWatcher,
  ScopeElevation,
  setKillSwitch,
} from '../tokens/index.js';
import { createGateHarness, TEST_ORG, type GateHarness } from './__fixtures__/gate-harness.js';

let harness: GateHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A gate with just-in-time elevation for test:* scopes, delegable by operators. */
async function gateWithAccess(jitScopes = ['test:*']): Promise<GateHarness> {
  harness = await createGateHarness({
    access: (store, clock) => ({
      elevation: new ScopeElevation({
        store,
        jit: { scopes: jitScopes, defaultSeconds: 600, maxSeconds: 3600 },
        delegation: { operator: ['test:*'] },
        requestExpirySeconds: 3600,
        clock,
      }),
      watcher: new RevocationWatcher(store.revocationState, { intervalMs: 50 }),
    }),
  });
  return harness;
}

async function auditTypes(gate: GateHarness): Promise<string[]> {
  return (await gate.store.audit.range(TEST_ORG, 1)).map((row) => row.entry.type as string);
}

const act = { orgId: TEST_ORG, by: 'secadmin', reason: 'incident 42' };

describe('the gate and revocation', () => {
  it('refuses every call while the kill switch is on, before any connector runs', async () => {
    const gate = await gateWithAccess();
    const request = await gate.request('@test/testkit/echo', { text: 'hi' });
    await setKillSwitch(gate.store, { ...act, engaged: true }, gate.clock);
    const outcome = await gate.gate.handle(request);
    expect(outcome).toMatchObject({
      outcome: 'denied',
      stage: 'authorize',
      code: 'token-kill-switch',
    });
    expect(gate.recorder.calls).toHaveLength(0);
    expect(await auditTypes(gate)).toEqual(['tool-call-denied']);
  });

  it.each([
    ['agent', 'test-agent'],
    ['user', 'operator'],
    ['run', 'run_test'],
  ] as const)('refuses a token issued before its %s was revoked', async (subject, id) => {
    const gate = await gateWithAccess();
    const request = await gate.request('@test/testkit/echo', { text: 'hi' });
    await revokeTokensOf(gate.store, { ...act, subject, id }, gate.clock);
    const outcome = await gate.gate.handle(request);
    expect(outcome).toMatchObject({ outcome: 'denied', code: 'token-revoked-epoch' });
    expect(gate.recorder.calls).toHaveLength(0);
    // A token issued after the epoch counts again (the epoch ends what came before it).
    gate.clock.advance(1000);
    const later = await gate.request('@test/testkit/echo', { text: 'hi' });
    expect(await gate.gate.handle(later)).toMatchObject({ outcome: 'executed' });
  });

  it('refuses a revoked jti', async () => {
    const gate = await gateWithAccess();
    const request = await gate.request('@test/testkit/echo', { text: 'hi' });
    const jti = JSON.parse(Buffer.from(request.token.split('.')[1] ?? '', 'base64url').toString())
      .jti as string;
    await revokeTokenByJti(gate.store, { ...act, jti }, gate.clock);
    expect(await gate.gate.handle(request)).toMatchObject({ code: 'token-revoked' });
  });
});

describe('the gate and just-in-time scopes', () => {
  it('turns a missing elevatable scope into one scope request, and runs nothing', async () => {
    const gate = await gateWithAccess();
    const request = await gate.request(
      '@test/testkit/set-thing',
      { thing: 'alpha', value: 'x' },
      { scopes: ['test:thing.read'] },
    );
    const outcome = await gate.gate.handle(request);
    expect(outcome).toMatchObject({
      outcome: 'needs-elevation',
      toolId: '@test/testkit/set-thing',
      scope: 'test:thing.write:alpha',
    });
    const again = await gate.gate.handle(request);
    expect(again).toMatchObject({ outcome: 'needs-elevation' });
    const requests = await gate.store.scopeRequests.list(TEST_ORG);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      runId: 'run_test',
      stepIndex: 0,
      scope: 'test:thing.write:alpha',
      resource: 'Thing::alpha',
      requestedBy: 'operator',
      status: 'pending',
    });
    expect(gate.recorder.calls).toHaveLength(0);
    expect(await auditTypes(gate)).toEqual(['scope-requested']);
  });

  it('ends in a denial once an admin denied the request', async () => {
    const gate = await gateWithAccess();
    const request = await gate.request(
      '@test/testkit/set-thing',
      { thing: 'alpha', value: 'x' },
      { scopes: ['test:thing.read'] },
    );
    const outcome = await gate.gate.handle(request);
    if (outcome.outcome !== 'needs-elevation') throw new Error('expected a scope request');
    await decideScopeRequest(
      gate.store,
      TEST_ORG,
      outcome.requestId,
      { id: 'admin' },
      { decision: 'deny' },
      gate.clock,
    );
    expect(await gate.gate.handle(request)).toMatchObject({
      outcome: 'denied',
      code: 'scope-denied',
    });
  });

  it('keeps a scope the settings do not make elevatable a plain denial', async () => {
    const gate = await gateWithAccess(['other:*']);
    const outcome = await gate.gate.handle(
      await gate.request(
        '@test/testkit/set-thing',
        { thing: 'alpha', value: 'x' },
        { scopes: ['test:thing.read'] },
      ),
    );
    expect(outcome).toMatchObject({ outcome: 'denied', code: 'missing-scope' });
    expect((outcome as { reason: string }).reason).toContain('not a just-in-time scope');
    expect(await gate.store.scopeRequests.list(TEST_ORG)).toEqual([]);
  });
});
