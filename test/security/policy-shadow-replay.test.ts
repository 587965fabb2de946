import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolicyRuntime } from '../../src/api/policies/policy-runtime.js';
import { PolicyService } from '../../src/api/policies/policy-service.js';
import { STARTER_POLICIES } from '../../src/policy/index.js';
import type { UserRecord } from '../../src/store/index.js';
import {
  createMailroomHarness,
  MAILROOM_POLICIES,
  ORG,
  type MailroomHarness,
} from '../__fixtures__/mailroom-harness.js';

const ENFORCED = { ...STARTER_POLICIES, ...MAILROOM_POLICIES };
// The candidate forbids mail after taint outright, where the enforced set asks an approver.
const CANDIDATE = {
  ...ENFORCED,
  'candidate.cedar': `@id("no-mail-after-taint") forbid (principal, action == Castellan::Action::"@test/mailroom/send-mail", resource)
when { context.tainted };`,
};

const auditor: UserRecord = {
  orgId: ORG,
  id: 'auditor',
  displayName: 'auditor',
  roles: ['auditor', 'security-admin'],
  disabled: false,
  createdAt: '2026-11-26T12:00:00.000Z',
};

let harness: MailroomHarness;
let service: PolicyService;
beforeEach(async () => {
  harness = await createMailroomHarness();
  harness.setPolicy(ENFORCED, 1);
  const runtime = await PolicyRuntime.open(harness.store, ORG, harness.catalog);
  service = new PolicyService({
    store: harness.store,
    audit: harness.audit,
    approvals: harness.approvals,
    runtime,
    orgId: ORG,
    clock: harness.clock,
    approvalExpirySeconds: 3600,
    permit: () => undefined,
  });
});
afterEach(async () => {
  await harness.close();
});

/** A tainted mail (held for approval), and a clean one (allowed), then a note (allowed). */
async function recordRuns(): Promise<void> {
  await harness.script([
    { tool: 'read-inbox', args: {} },
    { tool: 'send-mail', args: { to: 'partner@example.net', subject: 'hi', body: 'hello' } },
  ]);
  await harness.script([
    { tool: 'send-mail', args: { to: 'partner@example.net', subject: 'hi', body: 'hello' } },
    { tool: 'add-note', args: { customer: 'Jane', note: 'mailed' } },
  ]);
}

describe('shadow mode', () => {
  it('records the candidate decision beside the enforced one and reports where they differ', async () => {
    harness.setShadow(CANDIDATE);
    await recordRuns();
    // Not enforced: the clean mail still went out, the tainted one is only held.
    expect(harness.connector.callsOf('send-mail')).toHaveLength(1);
    const report = await service.shadowReport(auditor);
    expect(report.compared).toBe(4);
    expect(report.changed).toHaveLength(1);
    expect(report.changed[0]).toMatchObject({
      tool: '@test/mailroom/send-mail',
      stepIndex: 1,
      recorded: { effect: 'needs-approval' },
      candidate: { effect: 'deny', policyIds: ['no-mail-after-taint'], version: 3 },
    });
  });

  it('starts from a folder through the service, and the report honours --since', async () => {
    const { version } = await service.setShadow(auditor, CANDIDATE);
    expect((await service.list(auditor)).find((item) => item.version === version)?.shadow).toBe(
      true,
    );
    harness.setShadow(CANDIDATE);
    await recordRuns();
    const all = await service.shadowReport(auditor);
    const last = all.changed.at(-1)?.seq ?? 0;
    expect((await service.shadowReport(auditor, last + 1)).changed).toHaveLength(0);
    await service.setShadow(auditor, null);
    expect((await service.list(auditor)).some((item) => item.shadow)).toBe(false);
  });
});

describe('replay', () => {
  it('re-decides recorded calls under a candidate and reports exactly the changed ones', async () => {
    await recordRuns();
    const report = await service.replay(auditor, CANDIDATE);
    expect(report.compared).toBe(4);
    expect(report.skipped).toBe(0);
    expect(
      report.changed.map((change) => [
        change.tool,
        change.recorded.effect,
        change.candidate.effect,
      ]),
    ).toEqual([['@test/mailroom/send-mail', 'needs-approval', 'deny']]);
    expect(report.changed[0]?.candidate.policyIds).toEqual(['no-mail-after-taint']);
  });

  it('gives the same decisions under the set that made them (decisions are deterministic)', async () => {
    await recordRuns();
    harness.clock.advance(6 * 3600 * 1000);
    const report = await service.replay(auditor, ENFORCED);
    expect(report.compared).toBe(4);
    expect(report.changed).toEqual([]);
  });

  it('uses the recorded time, so a time-based candidate replays as it would have decided then', async () => {
    await recordRuns();
    const nightOnly = {
      ...ENFORCED,
      'night.cedar': `@id("no-notes-at-noon") forbid (principal, action == Castellan::Action::"@test/mailroom/add-note", resource)
when { context.time.hourUtc == 12 };`,
    };
    harness.clock.advance(3 * 3600 * 1000);
    const report = await service.replay(auditor, nightOnly);
    expect(report.changed.map((change) => change.tool)).toEqual(['@test/mailroom/add-note']);
  });

  it('refuses a candidate that does not validate, and changes nothing', async () => {
    await expect(
      service.replay(auditor, {
        'x.cedar': '@id("x") permit (principal, action, resource) when { context.args.nope };',
      }),
    ).rejects.toThrow(/not found/);
    await expect(service.replay(auditor, {})).rejects.toThrow(/no .cedar file/);
    expect(await harness.store.policies.list(ORG)).toEqual([]);
  });
});
