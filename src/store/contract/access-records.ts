import { expect, it } from 'vitest';
import { newId } from '../../core/index.js';
import type { GrantRecord, ScopeRequestRecord } from '../access-port.js';
import { newOrg, type ContractHarness } from './fixtures.js';

function aGrant(orgId: string, overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    orgId,
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
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-02T00:00:00.000Z',
    revokedAt: null,
    revokedBy: null,
    ...overrides,
  };
}

function aRequest(orgId: string, overrides: Partial<ScopeRequestRecord> = {}): ScopeRequestRecord {
  return {
    orgId,
    id: newId('scr'),
    kind: 'jit',
    agentId: 'ops-bot',
    environment: 'dev',
    runId: 'run_1',
    stepIndex: 2,
    scope: 'itops:service.restart:web-1',
    resource: 'Service::web-1',
    reason: 'the step needs it',
    durationSeconds: 900,
    requestedBy: 'olga',
    runRequestedBy: 'olga',
    status: 'pending',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T01:00:00.000Z',
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    grantedScope: null,
    grantedSeconds: null,
    grantId: null,
    ...overrides,
  };
}

/** Grants, scope requests, issued tokens, epochs and the kill switch, per organisation. */
export function accessRecordContract(harness: ContractHarness): void {
  it('finds the grants in force for an agent: standing ones and the run’s own', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const standing = aGrant(orgId, { createdAt: '2026-01-01T00:00:00.000Z' });
    const jit = aGrant(orgId, {
      kind: 'jit',
      runId: 'run_1',
      createdAt: '2026-01-01T00:00:01.000Z',
    });
    const otherRun = aGrant(orgId, { kind: 'jit', runId: 'run_2' });
    const expired = aGrant(orgId, { expiresAt: '2026-01-01T00:30:00.000Z' });
    const prod = aGrant(orgId, { environment: 'prod' });
    const revoked = aGrant(orgId);
    for (const grant of [standing, jit, otherRun, expired, prod, revoked])
      await store.grants.insert(grant);
    expect(await store.grants.revoke(orgId, revoked.id, '2026-01-01T00:10:00.000Z', 'sven')).toBe(
      true,
    );
    expect(await store.grants.revoke(orgId, revoked.id, '2026-01-01T00:11:00.000Z', 'sven')).toBe(
      false,
    );
    const query = { agentId: 'ops-bot', environment: 'dev', runId: 'run_1' };
    const active = await store.grants.active(orgId, { ...query, at: '2026-01-01T01:00:00.000Z' });
    expect(active.map((grant) => grant.id)).toEqual([standing.id, jit.id]);
    expect(active[1]).toEqual(jit);
    expect((await store.grants.get(orgId, revoked.id))?.revokedBy).toBe('sven');
    expect(
      await store.grants.active(newOrg(), { ...query, at: '2026-01-01T01:00:00.000Z' }),
    ).toEqual([]);
    const listed = await store.grants.list(orgId, { activeAt: '2026-01-01T01:00:00.000Z' });
    expect(listed.map((grant) => grant.id).sort()).toEqual(
      [standing.id, jit.id, otherRun.id, prod.id].sort(),
    );
  });

  it('settles a scope request once and keeps what was granted', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const request = aRequest(orgId);
    await store.scopeRequests.insert(request);
    expect(await store.scopeRequests.get(orgId, request.id)).toEqual(request);
    const settlement = {
      status: 'approved' as const,
      decidedBy: 'ada',
      decidedAt: '2026-01-01T00:05:00.000Z',
      decisionReason: 'ok for an hour',
      grantedScope: 'itops:service.restart:web-1',
      grantedSeconds: 300,
      grantId: 'grt_1',
    };
    expect(await store.scopeRequests.settle(orgId, request.id, settlement)).toBe(true);
    expect(
      await store.scopeRequests.settle(orgId, request.id, { ...settlement, status: 'denied' }),
    ).toBe(false);
    expect(await store.scopeRequests.get(orgId, request.id)).toMatchObject({
      status: 'approved',
      grantedSeconds: 300,
      grantId: 'grt_1',
    });
    expect(await store.scopeRequests.list(orgId, { status: ['pending'] })).toEqual([]);
    expect(await store.scopeRequests.list(orgId, { status: [] })).toEqual([]);
    expect(await store.scopeRequests.list(orgId, { runId: 'run_1' })).toHaveLength(1);
  });

  it('lists issued tokens by run, agent, user and grant, newest first', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const base = {
      orgId,
      runId: 'run_1',
      userId: 'olga',
      agentId: 'ops-bot',
      scopes: ['itops:fleet.read'],
      grantIds: ['grt_1'],
    };
    const first = {
      ...base,
      jti: 'jti_a',
      issuedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T00:15:00.000Z',
    };
    const second = {
      ...base,
      jti: 'jti_b',
      runId: 'run_2',
      grantIds: [],
      issuedAt: '2026-01-01T00:01:00.000Z',
      expiresAt: '2026-01-01T00:16:00.000Z',
    };
    await store.issuedTokens.insert(first);
    await store.issuedTokens.insert(second);
    expect(await store.issuedTokens.get(orgId, 'jti_a')).toEqual(first);
    expect(await store.issuedTokens.list(orgId)).toEqual([second, first]);
    expect(await store.issuedTokens.list(orgId, { runId: 'run_1' })).toEqual([first]);
    expect(await store.issuedTokens.list(orgId, { grantId: 'grt_1' })).toEqual([first]);
    expect(await store.issuedTokens.list(orgId, { activeAt: '2026-01-01T00:15:30.000Z' })).toEqual([
      second,
    ]);
    expect(await store.issuedTokens.list(newOrg(), { agentId: 'ops-bot' })).toEqual([]);
  });

  it('answers a token’s revocation status in one read: jti, epochs and the kill switch', async () => {
    const store = harness.store();
    const orgId = newOrg();
    const token = { jti: 'jti_1', agentId: 'ops-bot', userId: 'olga', runId: 'run_1' };
    expect(await store.revocationState.status(orgId, token)).toEqual({
      jtiRevoked: false,
      latestEpoch: null,
      killSwitchEngaged: false,
    });
    const epoch = {
      orgId,
      subjectKind: 'agent' as const,
      subjectId: 'ops-bot',
      reason: 'compromised',
      createdBy: 'sven',
    };
    await store.revocationState.addEpoch({
      ...epoch,
      id: newId('epo'),
      notBefore: '2026-01-01T00:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    await store.revocationState.addEpoch({
      ...epoch,
      id: newId('epo'),
      subjectKind: 'user',
      subjectId: 'olga',
      notBefore: '2026-01-01T00:02:00.000Z',
      createdAt: '2026-01-01T00:02:00.000Z',
    });
    await store.revocationState.addEpoch({
      ...epoch,
      id: newId('epo'),
      subjectKind: 'run',
      subjectId: 'run_other',
      notBefore: '2026-01-01T00:09:00.000Z',
      createdAt: '2026-01-01T00:09:00.000Z',
    });
    await store.revocations.revoke({
      orgId,
      jti: 'jti_1',
      reason: 'leaked',
      revokedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T00:15:00.000Z',
    });
    await store.revocationState.setKillSwitch({
      orgId,
      engaged: true,
      reason: 'incident',
      changedBy: 'sven',
      changedAt: '2026-01-01T00:03:00.000Z',
    });
    expect(await store.revocationState.status(orgId, token)).toEqual({
      jtiRevoked: true,
      latestEpoch: '2026-01-01T00:02:00.000Z',
      killSwitchEngaged: true,
    });
    await store.revocationState.setKillSwitch({
      orgId,
      engaged: false,
      reason: 'resolved',
      changedBy: 'sven',
      changedAt: '2026-01-01T00:04:00.000Z',
    });
    expect(await store.revocationState.killSwitch(orgId)).toEqual({
      orgId,
      engaged: false,
      reason: 'resolved',
      changedBy: 'sven',
      changedAt: '2026-01-01T00:04:00.000Z',
    });
    expect((await store.revocationState.status(orgId, token)).killSwitchEngaged).toBe(false);
    expect(await store.revocationState.status(newOrg(), token)).toEqual({
      jtiRevoked: false,
      latestEpoch: null,
      killSwitchEngaged: false,
    });
    expect(await store.revocationState.epochs(orgId)).toHaveLength(3);
  });

  it('lets an epoch for everyone cover every token', async () => {
    const store = harness.store();
    const orgId = newOrg();
    await store.revocationState.addEpoch({
      orgId,
      id: newId('epo'),
      subjectKind: 'all',
      subjectId: '*',
      notBefore: '2026-01-01T00:05:00.000Z',
      reason: 'kill switch',
      createdBy: 'sven',
      createdAt: '2026-01-01T00:05:00.000Z',
    });
    const status = await store.revocationState.status(orgId, {
      jti: 'x',
      agentId: 'any',
      userId: 'any',
      runId: 'any',
    });
    expect(status.latestEpoch).toBe('2026-01-01T00:05:00.000Z');
  });
}
