import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../audit/index.js';
import { unsafeExecuteForTests } from '../store/testing.js';
import { createGateHarness, TEST_ORG, type GateHarness } from './__fixtures__/gate-harness.js';

async function auditTypes(harness: GateHarness): Promise<string[]> {
  const rows = await harness.store.audit.range(TEST_ORG, 1);
  return rows.map((row) => row.entry.type as string);
}

describe('the gate', () => {
  let harness: GateHarness;
  beforeEach(async () => {
    harness = await createGateHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('allows a read call with a valid token, and records intent before outcome', async () => {
    const outcome = await harness.gate.handle(
      await harness.request('@test/testkit/echo', { text: 'hi' }),
    );
    expect(outcome).toMatchObject({ outcome: 'executed', ok: true, toolId: '@test/testkit/echo' });
    expect(harness.recorder.calls).toHaveLength(1);
    expect(await auditTypes(harness)).toEqual(['tool-call-allowed', 'tool-call-succeeded']);
    const [intent] = await harness.store.audit.range(TEST_ORG, 1, 1);
    const decision = intent?.entry.decision as {
      policyIds: string[];
      stages: Array<{ stage: string; ok: boolean }>;
    };
    expect(decision.policyIds).toEqual(['read-tools']);
    expect(decision.stages.map((stage) => stage.stage)).toEqual([
      'resolve',
      'authorize',
      'policy',
      'data',
      'approve',
    ]);
    expect((await verifyChain(harness.store, TEST_ORG)).ok).toBe(true);
  });

  it('redacts secrets from a result before the planner sees it', async () => {
    const outcome = await harness.gate.handle(
      await harness.request('testkit/echo', { text: 'hi' }),
    );
    expect(outcome.outcome).toBe('executed');
    expect(JSON.stringify(outcome)).not.toContain('sk-abcdefghijklmnopqrstuvwxyz');
  });

  it('denies an expired token without reaching the connector', async () => {
    const request = await harness.request('testkit/echo', { text: 'hi' });
    harness.clock.advance(16 * 60 * 1000);
    const outcome = await harness.gate.handle(request);
    expect(outcome).toMatchObject({ outcome: 'denied', stage: 'authorize', code: 'token-expired' });
    expect(harness.recorder.calls).toHaveLength(0);
    expect(await auditTypes(harness)).toEqual(['tool-call-denied']);
  });

  it('denies a call whose token lacks the tool scope', async () => {
    const outcome = await harness.gate.handle(
      await harness.request('testkit/echo', { text: 'hi' }, { scopes: ['test:other.read'] }),
    );
    expect(outcome).toMatchObject({ outcome: 'denied', stage: 'authorize', code: 'missing-scope' });
    expect((outcome as { reason: string }).reason).toContain('test:thing.read');
    expect(harness.recorder.calls).toHaveLength(0);
  });

  it('checks a scope bound to the resource the call names', async () => {
    const request = await harness.request(
      'testkit/set-thing',
      { thing: 'alpha', value: 'x' },
      { scopes: ['test:thing.write:beta'] },
    );
    const outcome = await harness.gate.handle(request);
    expect(outcome).toMatchObject({ outcome: 'denied', code: 'missing-scope' });
    expect((outcome as { reason: string }).reason).toContain('test:thing.write:alpha');
  });

  it('denies a token minted for another run', async () => {
    const request = await harness.request(
      'testkit/echo',
      { text: 'hi' },
      { run: { id: 'run_other', requestedBy: 'operator', agentId: 'test-agent', tainted: false } },
    );
    const outcome = await harness.gate.handle({
      ...request,
      run: { ...request.run, id: 'run_test' },
    });
    expect(outcome).toMatchObject({ outcome: 'denied', code: 'token-wrong-run' });
  });

  it('denies when a Cedar policy forbids, naming the policy', async () => {
    harness.setPolicy({
      'p.cedar': `@id("all-reads") permit (principal, action, resource);
@id("no-echo") forbid (principal, action == Castellan::Action::"@test/testkit/echo", resource);`,
    });
    const outcome = await harness.gate.handle(
      await harness.request('testkit/echo', { text: 'hi' }),
    );
    expect(outcome).toMatchObject({
      outcome: 'denied',
      stage: 'policy',
      code: 'policy-denied',
      policyIds: ['no-echo'],
    });
    expect(harness.recorder.calls).toHaveLength(0);
    const [entry] = await harness.store.audit.range(TEST_ORG, 1, 1);
    expect((entry?.entry.decision as { policyIds: string[] }).policyIds).toEqual(['no-echo']);
  });

  it('denies every call when no policy set is loaded', async () => {
    harness.setPolicy(undefined);
    const outcome = await harness.gate.handle(
      await harness.request('testkit/echo', { text: 'hi' }),
    );
    expect(outcome).toMatchObject({
      outcome: 'denied',
      stage: 'policy',
      code: 'engine-unavailable',
    });
  });

  it('denies an unknown tool and arguments that fail the schema, without logging them raw', async () => {
    expect(await harness.gate.handle(await harness.request('testkit/nope', {}))).toMatchObject({
      outcome: 'denied',
      stage: 'resolve',
      code: 'unknown-tool',
    });
    const invalid = await harness.gate.handle(
      await harness.request('testkit/set-thing', { thing: '../etc', value: 'x', extra: 1 }),
    );
    expect(invalid).toMatchObject({ outcome: 'denied', stage: 'resolve', code: 'invalid-args' });
    const rows = await harness.store.audit.range(TEST_ORG, 1);
    expect(JSON.stringify(rows.map((row) => row.entry.args))).not.toContain('../etc');
  });

  it('denies a call that carries a credential in its arguments and keeps it out of the log', async () => {
    const outcome = await harness.gate.handle(
      await harness.request('testkit/echo', {
        text: 'use ghp_abcdefghijklmnopqrstuvwxyz0123456789AB',
      }),
    );
    expect(outcome).toMatchObject({
      outcome: 'denied',
      stage: 'data',
      code: 'secret-in-arguments',
    });
    const rows = await harness.store.audit.range(TEST_ORG, 1);
    expect(JSON.stringify(rows)).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz');
  });

  it('marks results of untrusted tools as tainting', async () => {
    const outcome = await harness.gate.handle(await harness.request('testkit/fetch-page', {}));
    expect(outcome).toMatchObject({ outcome: 'executed', taints: true });
  });

  it('forbids a critical write once the run is tainted', async () => {
    const request = await harness.request('testkit/wipe-thing', { thing: 'alpha' });
    const outcome = await harness.gate.handle({
      ...request,
      run: { ...request.run, tainted: true },
    });
    expect(outcome).toMatchObject({
      outcome: 'denied',
      stage: 'policy',
      policyIds: ['no-critical-writes-after-taint'],
    });
  });

  it('holds a risky write for approval and runs it only with an approval for exactly that call', async () => {
    const request = await harness.request('testkit/set-thing', { thing: 'alpha', value: 'on' });
    const held = await harness.gate.handle(request);
    expect(held).toMatchObject({ outcome: 'needs-approval', approverRole: 'approver', quorum: 1 });
    expect(harness.recorder.calls).toHaveLength(0);
    const approvalId = (held as { approvalId: string }).approvalId;

    // Still pending: presenting the approval does not let the call through.
    expect(await harness.gate.handle({ ...request, approvalId })).toMatchObject({
      outcome: 'needs-approval',
      approvalId,
    });

    await harness.approvals.decide(TEST_ORG, approvalId, harness.approver, 'approve', 'ok');
    // The approval covers only these arguments.
    const other = await harness.request('testkit/set-thing', { thing: 'alpha', value: 'off' });
    expect(await harness.gate.handle({ ...other, approvalId })).toMatchObject({
      outcome: 'denied',
      code: 'approval-mismatch',
    });
    expect(harness.recorder.calls).toHaveLength(0);

    const ran = await harness.gate.handle({ ...request, approvalId });
    expect(ran).toMatchObject({ outcome: 'executed', ok: true });
    expect(harness.recorder.things.get('alpha')).toBe('on');
    const rows = await harness.store.audit.range(TEST_ORG, 1);
    const intent = rows.find((row) => row.entry.type === 'tool-call-allowed');
    expect(intent?.entry.approver).toBe('approver');
    // States are blobs the entries bind by digest, not copies inside the entries.
    const stateOf = async (entry: Record<string, unknown> | undefined, name: string) => {
      const ref = (entry?.['payloads'] as Record<string, { digest: string }> | undefined)?.[name];
      const blob = await harness.store.auditPayloads.getBlob(TEST_ORG, ref?.digest ?? '');
      return blob?.content === undefined || blob.content === null
        ? undefined
        : JSON.parse(blob.content);
    };
    expect(intent?.entry.details).toBeUndefined();
    expect(await stateOf(intent?.entry, 'preState')).toEqual({ thing: 'alpha', value: null });
    const outcomeEntry = rows.find((row) => row.entry.type === 'tool-call-succeeded');
    expect(await stateOf(outcomeEntry?.entry, 'preState')).toEqual({ thing: 'alpha', value: null });
    expect(await stateOf(outcomeEntry?.entry, 'postState')).toEqual({
      thing: 'alpha',
      value: 'on',
    });
    expect(JSON.stringify(outcomeEntry?.entry.details)).not.toContain('postState');
  });

  it('refuses the requester approving their own request', async () => {
    const held = await harness.gate.handle(
      await harness.request('testkit/set-thing', { thing: 'alpha', value: 'on' }),
    );
    const approvalId = (held as { approvalId: string }).approvalId;
    await expect(
      harness.approvals.decide(TEST_ORG, approvalId, harness.operator, 'approve', null),
    ).rejects.toMatchObject({ code: 'self-approval' });
    const approval = await harness.store.approvals.get(TEST_ORG, approvalId);
    expect(approval?.status).toBe('pending');
  });

  it('denies a call after its approval was denied', async () => {
    const request = await harness.request('testkit/set-thing', { thing: 'alpha', value: 'on' });
    const held = await harness.gate.handle(request);
    const approvalId = (held as { approvalId: string }).approvalId;
    await harness.approvals.decide(TEST_ORG, approvalId, harness.approver, 'deny', 'no');
    expect(await harness.gate.handle({ ...request, approvalId })).toMatchObject({
      outcome: 'denied',
      stage: 'approve',
      code: 'approval-denied',
    });
    expect(harness.recorder.calls).toHaveLength(0);
  });

  it('does not run an action whose intent cannot be audited', async () => {
    await unsafeExecuteForTests(
      harness.store,
      `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    );
    const outcome = await harness.gate.handle(
      await harness.request('testkit/echo', { text: 'hi' }),
    );
    expect(outcome).toMatchObject({ outcome: 'denied', code: 'audit-unavailable' });
    expect((outcome as { reason: string }).reason).toContain('disk full');
    expect(harness.recorder.calls).toHaveLength(0);
    expect(await harness.store.audit.count(TEST_ORG)).toBe(0);
  });
});

describe('the gate without a sandbox', () => {
  it('denies a sandboxed tool when the sandbox cannot start, and runs nothing', async () => {
    const harness = await createGateHarness({ sandbox: 'refuse' });
    try {
      const outcome = await harness.gate.handle(
        await harness.request('testkit/sandboxed-true', {}),
      );
      expect(outcome).toMatchObject({ outcome: 'denied', stage: 'execute', code: 'unavailable' });
      expect((outcome as { reason: string }).reason).toMatch(/sandbox/i);
      const types = (await harness.store.audit.range(TEST_ORG, 1)).map((row) => row.entry.type);
      expect(types).toEqual(['tool-call-allowed', 'tool-call-denied']);
    } finally {
      await harness.close();
    }
  });

  it('runs a sandboxed tool under bubblewrap when the sandbox works', async () => {
    const harness = await createGateHarness({ sandbox: 'bwrap' });
    try {
      const outcome = await harness.gate.handle(
        await harness.request('testkit/sandboxed-true', {}),
      );
      expect(outcome).toMatchObject({ outcome: 'executed', ok: true });
      const rows = await harness.store.audit.range(TEST_ORG, 1);
      const done = rows.find((row) => row.entry.type === 'tool-call-succeeded');
      expect(
        (done?.entry.details as { sandbox: { driver: string; uid: number } }).sandbox,
      ).toMatchObject({ driver: 'bwrap', uid: 1000 });
    } finally {
      await harness.close();
    }
  });
});
