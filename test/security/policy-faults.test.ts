import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolicyRuntime } from '../../src/api/policies/policy-runtime.js';
import { createCatalog, type LoadedPack, type PackCatalog } from '../../src/packs/index.js';
import { PolicyEngine, STARTER_POLICIES } from '../../src/policy/index.js';
import {
  createMailroomHarness,
  ORG,
  type MailroomHarness,
} from '../__fixtures__/mailroom-harness.js';

let harness: MailroomHarness;
beforeEach(async () => {
  harness = await createMailroomHarness();
});
afterEach(async () => {
  await harness.close();
});

async function readInbox() {
  return harness.script([{ tool: 'read-inbox', args: {} }]);
}

async function denialOf(runId: string) {
  const [step] = await harness.store.steps.listForRun(ORG, runId);
  const rows = await harness.store.audit.forRun(ORG, runId);
  const recorded = rows.find((row) => row.entry.type === 'tool-call-denied');
  return { decision: step?.decision as Record<string, unknown>, recorded: recorded?.entry };
}

/** A catalog whose packs a test can swap, as a registry pack loading later would. */
function swappable(catalog: PackCatalog): { catalog: PackCatalog; set(packs: LoadedPack[]): void } {
  let packs = catalog.packs();
  return {
    catalog: {
      ...catalog,
      packs: () => packs,
      get: (name) => packs.find((pack) => pack.manifest.name === name),
    },
    set(next) {
      packs = next;
    },
  };
}

describe('policy faults fail closed', () => {
  it('denies and records when the engine throws', async () => {
    harness.setPolicyGetter(() => {
      throw new Error('wasm instance lost');
    });
    const run = await readInbox();
    expect(run.status).toBe('denied');
    const { decision, recorded } = await denialOf(run.id);
    expect(decision).toMatchObject({ code: 'gate-error' });
    expect(String(decision.reason)).toContain('wasm instance lost');
    expect(recorded?.decision).toMatchObject({ effect: 'deny' });
    expect(harness.connector.calls).toHaveLength(0);
  });

  it('denies when a policy cannot be evaluated for a request (an engine error)', async () => {
    // Without a schema, a comparison of the wrong type only fails at evaluation time.
    harness.setPolicyGetter(() =>
      PolicyEngine.load(
        {
          'p.cedar': `@id("reads") permit (principal, action, resource);
@id("broken") forbid (principal, action, resource) when { context.tool > 3 };`,
        },
        9,
      ),
    );
    const run = await readInbox();
    expect(run.status).toBe('denied');
    const { decision } = await denialOf(run.id);
    expect(decision).toMatchObject({ stage: 'policy', policyIds: ['broken'] });
    expect(String(decision.reason)).toMatch(/engine-error: policy "broken" could not be evaluated/);
    expect(harness.connector.calls).toHaveLength(0);
  });

  it('denies every call while the active policy set in the store is invalid', async () => {
    await harness.store.policies.activate({
      orgId: ORG,
      digest: 'sha256:bad',
      policies: { 'bad.cedar': '@id("x") permit (principal, action, resource' },
      createdBy: 'test',
      createdAt: harness.clock.now().toISOString(),
    });
    const runtime = await PolicyRuntime.open(harness.store, ORG, harness.catalog);
    expect(runtime.problem).toMatch(/policy set v1 cannot be enforced/);
    harness.setPolicyGetter(() => runtime.engine());
    const run = await readInbox();
    expect(run.status).toBe('denied');
    expect((await denialOf(run.id)).decision).toMatchObject({ code: 'engine-unavailable' });
  });

  it('denies every call once the installed packs no longer fit the enforced policies', async () => {
    await harness.store.policies.activate({
      orgId: ORG,
      digest: 'sha256:ok',
      policies: {
        ...STARTER_POLICIES,
        'pay.cedar': `@id("small-payments") permit (principal, action == Castellan::Action::"@test/mailroom/pay", resource)
when { context.args.amountCents < 10000 };`,
      },
      createdBy: 'test',
      createdAt: harness.clock.now().toISOString(),
    });
    const swap = swappable(harness.catalog);
    const runtime = await PolicyRuntime.open(harness.store, ORG, swap.catalog);
    harness.setPolicyGetter(() => runtime.engine());
    expect((await readInbox()).status).toBe('completed');
    // A new version of the pack drops the argument the policy reads: the schema is generated
    // again, the set no longer validates, and nothing is decided until it is fixed.
    const [pack] = harness.catalog.packs();
    if (pack === undefined) throw new Error('no pack');
    const pay = pack.tools.get('pay');
    if (pay === undefined) throw new Error('no pay tool');
    const args = { ...pay.manifest.args, properties: { iban: { type: 'string' } } };
    const tools = new Map(pack.tools);
    tools.set('pay', { ...pay, manifest: { ...pay.manifest, args } });
    swap.set([{ ...pack, digest: 'sha256:changed', tools }]);
    expect(runtime.engine()).toBeUndefined();
    expect(runtime.problem).toMatch(/args.amountCents/);
    const run = await readInbox();
    expect(run.status).toBe('denied');
    expect((await denialOf(run.id)).decision).toMatchObject({ code: 'engine-unavailable' });
    expect(harness.connector.calls).toHaveLength(1);
  });

  it('denies a request that does not fit the schema (a tool the schema does not know)', async () => {
    const other = createCatalog([]);
    const runtime = await PolicyRuntime.open(harness.store, ORG, other);
    harness.setPolicyGetter(() =>
      PolicyEngine.load(STARTER_POLICIES, 1, { schema: runtime.schema() }),
    );
    const run = await readInbox();
    expect(run.status).toBe('denied');
    const { decision } = await denialOf(run.id);
    expect(decision).toMatchObject({ stage: 'policy' });
    expect(String(decision.reason)).toMatch(/engine-error/);
  });
});
