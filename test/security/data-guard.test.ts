import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DATA_RULES } from '../../src/guard/index.js';
import { STARTER_POLICIES } from '../../src/policy/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { unsafeExecuteForTests } from '../../src/store/testing.js';
import {
  createMailroomHarness,
  ORG,
  type MailroomHarness,
} from '../__fixtures__/mailroom-harness.js';

let harness: MailroomHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function auditText(open: MailroomHarness): Promise<string> {
  return JSON.stringify(await open.store.audit.range(ORG, 1));
}

describe('the data guard on the governed path', () => {
  it('gives the planner placeholders for customer data and keeps the values in the run vault only', async () => {
    harness = await createMailroomHarness();
    const run = await harness.script([{ tool: 'export-customers', args: {} }]);
    expect(run.status).toBe('completed');
    const [step] = await harness.store.steps.listForRun(ORG, run.id);
    expect(step?.result).toEqual({
      customers: [
        { name: 'Jane Doe', email: '[EMAIL_1]', phone: '[PHONE_1]', card: '[CARD_1]' },
        { name: 'Omar Haddad', email: '[EMAIL_2]', phone: '[PHONE_2]' },
      ],
    });
    const vault = await harness.store.guardVault.forRun(ORG, run.id);
    expect(vault.map((entry) => [entry.placeholder, entry.value])).toContainEqual([
      '[EMAIL_1]',
      'jane.doe@example.com',
    ]);
    const log = await auditText(harness);
    expect(log).not.toContain('jane.doe@example.com');
    expect(log).not.toContain('4111 1111 1111 1111');
  });

  it('restores placeholders for an internal tool, so a trusted step gets the real value', async () => {
    harness = await createMailroomHarness();
    const run = await harness.script([
      { tool: 'export-customers', args: {} },
      { tool: 'add-note', args: { customer: 'Jane Doe', note: 'call back on [PHONE_1]' } },
    ]);
    expect(run.status).toBe('completed');
    expect(harness.connector.callsOf('add-note')[0]?.args).toEqual({
      customer: 'Jane Doe',
      note: 'call back on +44 20 7946 0958',
    });
    // The planner's view and the log keep the placeholder.
    const steps = await harness.store.steps.listForRun(ORG, run.id);
    expect(steps[1]?.args).toEqual({ customer: 'Jane Doe', note: 'call back on [PHONE_1]' });
    expect(await auditText(harness)).not.toContain('+44 20 7946 0958');
  });

  it('blocks personal data toward an external destination and names the data rule', async () => {
    harness = await createMailroomHarness();
    const run = await harness.script([
      { tool: 'send-mail', args: { to: 'partner@example.net', subject: 'hi', body: 'hello' } },
    ]);
    expect(run.status).toBe('denied');
    const [step] = await harness.store.steps.listForRun(ORG, run.id);
    expect(step?.decision).toMatchObject({
      stage: 'data',
      code: 'data-blocked',
      policyIds: ['data-rule:external/email'],
    });
    expect(harness.connector.calls).toHaveLength(0);
  });

  it('lets a policy allow e-mail addresses to leave through one tool', async () => {
    harness = await createMailroomHarness();
    harness.setPolicy({
      ...STARTER_POLICIES,
      'mail.cedar': `@id("mail-may-carry-addresses") @allowData("email")
permit (principal, action == Castellan::Action::"@test/mailroom/send-mail", resource);`,
    });
    const run = await harness.script([
      { tool: 'send-mail', args: { to: 'partner@example.net', subject: 'hi', body: 'hello' } },
    ]);
    expect(run.status).toBe('completed');
    expect(harness.connector.callsOf('send-mail')).toHaveLength(1);
    // A phone number in the body is still personal data no policy allowed.
    const second = await harness.script([
      {
        tool: 'send-mail',
        args: { to: 'partner@example.net', subject: 'hi', body: 'ring +44 20 7946 0958' },
      },
    ]);
    expect(second.status).toBe('denied');
    expect(second.reason).toContain('data-rule:external/phone');
  });

  it('refuses a credential in the arguments of any tool, keeping it out of the log', async () => {
    harness = await createMailroomHarness();
    const run = await harness.script([
      { tool: 'add-note', args: { customer: 'Jane', note: 'key AKIAIOSFODNN7EXAMPLE' } },
    ]);
    expect(run.status).toBe('denied');
    expect(run.reason).toContain('secrets');
    expect(await auditText(harness)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(harness.connector.calls).toHaveLength(0);
  });

  it('enforces the egress budget from counters kept in the store, which another process sees', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'castellan-egress-'));
    const storePath = join(folder, 'castellan.db');
    const budgets = {
      runBytes: 10_000,
      runRecords: 100,
      destinationBytes: 150,
      destinationRecords: 100,
    };
    harness = await createMailroomHarness({
      guard: { rules: DEFAULT_DATA_RULES, budgets },
      storePath,
    });
    const note = { customer: 'Jane Doe', note: 'x'.repeat(60) };
    const run = await harness.script([
      { tool: 'add-note', args: note },
      { tool: 'add-note', args: note },
    ]);
    // The second call would pass the destination budget: denied, naming the budget.
    expect(run.status).toBe('denied');
    const steps = await harness.store.steps.listForRun(ORG, run.id);
    expect(steps[1]?.decision).toMatchObject({
      stage: 'data',
      code: 'egress-budget',
      policyIds: ['egress-budget:destination-bytes'],
    });
    expect(harness.connector.callsOf('add-note')).toHaveLength(1);
    // Another connection to the same database (another process, or this one after a restart)
    // reads the same counters.
    const other = await openSqliteStore(storePath);
    try {
      const totals = await other.egress.totals(ORG, run.id, 'internal:Register:customers');
      expect(totals.destination.bytes).toBeGreaterThan(60);
      expect(totals.run).toEqual(totals.destination);
    } finally {
      await other.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('withholds a result from the planner when the guard cannot keep its redactions', async () => {
    harness = await createMailroomHarness();
    await unsafeExecuteForTests(harness.store, 'drop table guard_vault');
    const run = await harness.script([{ tool: 'export-customers', args: {} }]);
    const [step] = await harness.store.steps.listForRun(ORG, run.id);
    // The call ran, but its result, full of customer data, never reaches the planner.
    expect(harness.connector.callsOf('export-customers')).toHaveLength(1);
    expect(run.status).toBe('failed');
    expect(step?.result).toEqual({
      withheld: expect.stringContaining('the data guard could not check the result'),
    });
    expect(JSON.stringify(step)).not.toContain('jane.doe');
    expect(await auditText(harness)).not.toContain('jane.doe');
  });

  it('denies a call that needs the vault when the vault cannot be read', async () => {
    harness = await createMailroomHarness();
    await unsafeExecuteForTests(harness.store, 'drop table guard_vault');
    const run = await harness.script([
      { tool: 'add-note', args: { customer: 'Jane', note: 'call [PHONE_1]' } },
    ]);
    expect(run.status).toBe('denied');
    const [step] = await harness.store.steps.listForRun(ORG, run.id);
    expect(step?.decision).toMatchObject({ stage: 'policy', code: 'guard-unavailable' });
    expect(harness.connector.calls).toHaveLength(0);
  });
});
