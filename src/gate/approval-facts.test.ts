import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateHarness, TEST_ORG, type GateHarness } from './__fixtures__/gate-harness.js';

describe('what the gate puts before an approver', () => {
  let harness: GateHarness;
  beforeEach(async () => {
    harness = await createGateHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('shows the tool, raw arguments, provenance, deciding policies and current state, and names who has a stake', async () => {
    harness.recorder.things.set('alpha', 'old');
    const request = await harness.request(
      'testkit/set-thing',
      { thing: 'alpha', value: 'new' },
      { run: { id: 'run_facts', requestedBy: 'operator', agentId: 'test-agent', tainted: true } },
    );
    const held = await harness.gate.handle(request);
    expect(held.outcome).toBe('needs-approval');
    const approvalId = (held as { approvalId: string }).approvalId;
    const approval = await harness.store.approvals.get(TEST_ORG, approvalId);
    expect(approval?.details).toMatchObject({
      tool: { id: '@test/testkit/set-thing', risk: 'high', effect: 'write' },
      pack: { name: '@test/testkit', publisher: 'castellan-tests' },
      args: { thing: 'alpha', value: 'new' },
      policies: {
        ids: expect.arrayContaining(['risky-writes-need-approval']),
        effect: 'needs-approval',
      },
      resource: { type: 'Thing', id: 'alpha', currentState: { thing: 'alpha', value: 'old' } },
    });
    const provenance = approval?.details?.provenance as {
      runTainted: boolean;
      perArgument: Record<string, string>;
    };
    expect(provenance.runTainted).toBe(true);
    expect(Object.keys(provenance.perArgument).sort()).toEqual(['thing', 'value']);
    expect(approval?.forbiddenApprovers).toEqual([
      { user: 'admin', why: 'agent-owner' },
      { user: 'castellan-tests', why: 'pack-publisher' },
    ]);
    // Observing for the approver changed nothing.
    expect(harness.recorder.calls).toHaveLength(0);
    const [entry] = (await harness.store.audit.range(TEST_ORG, 1)).filter(
      (row) => row.entry.type === 'approval-requested',
    );
    expect(entry?.entry.details).toMatchObject({
      approvalId,
      forbiddenApprovers: [{ user: 'admin' }, { user: 'castellan-tests' }],
    });
  });

  it('passes a stable idempotency key for the run and step to the connector', async () => {
    const request = await harness.request('testkit/echo', { text: 'hi' }, { stepIndex: 4 });
    await harness.gate.handle(request);
    await harness.gate.handle(request);
    expect(harness.recorder.calls.map((call) => call.idempotencyKey)).toEqual([
      'run_test:4',
      'run_test:4',
    ]);
  });

  it('asks a person for every write of a rollback, even one policy lets through', async () => {
    const request = await harness.request(
      'testkit/set-thing',
      { thing: 'alpha', value: 'x' },
      {
        run: {
          id: 'run_rollback',
          requestedBy: 'operator',
          agentId: 'test-agent',
          tainted: false,
          kind: 'rollback',
          rollbackOf: 'run_original',
        },
      },
    );
    harness.setPolicy({
      'all.cedar': '@id("anything") permit (principal, action, resource);',
    });
    const held = await harness.gate.handle(request);
    expect(held).toMatchObject({ outcome: 'needs-approval', approverRole: 'approver' });
    expect((held as { reasons: string[] }).reasons.join()).toContain(
      'rollback of run run_original',
    );
    expect(harness.recorder.calls).toHaveLength(0);
  });

  it('refuses to overwrite a resource that is not in the expected state', async () => {
    harness.recorder.things.set('alpha', 'changed-by-someone');
    harness.setPolicy({ 'all.cedar': '@id("anything") permit (principal, action, resource);' });
    const request = await harness.request(
      'testkit/set-thing',
      { thing: 'alpha', value: 'restored' },
      {
        expectState: {
          fields: ['value'],
          value: { value: 'left-by-the-run' },
          why: 'alpha must still be as run_original left it',
        },
      },
    );
    const outcome = await harness.gate.handle(request);
    expect(outcome).toMatchObject({ outcome: 'denied', stage: 'execute', code: 'state-conflict' });
    expect((outcome as { reason: string }).reason).toContain(
      '"left-by-the-run" → "changed-by-someone"',
    );
    expect(harness.recorder.things.get('alpha')).toBe('changed-by-someone');
    expect(harness.recorder.calls).toHaveLength(0);

    harness.recorder.things.set('alpha', 'left-by-the-run');
    const allowed = await harness.gate.handle(request);
    expect(allowed).toMatchObject({ outcome: 'executed', ok: true });
    expect(harness.recorder.things.get('alpha')).toBe('restored');
  });
});
