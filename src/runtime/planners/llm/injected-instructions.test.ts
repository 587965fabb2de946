/**
 * A model that obeys instructions planted in an untrusted tool result (the fake model replays
 * exactly that) must not get its way: the harmful calls are denied by the gate or held for a
 * person, or, for a plan-then-execute agent, refused before the gate because the plan never
 * allowed them. The connector that would carry them out never sees them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLlmHarness, type LlmHarness } from './__fixtures__/llm-harness.js';

let harness: LlmHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('instructions injected through a tool result', () => {
  it('denies the critical write a hijacked model proposes after reading untrusted content', async () => {
    harness = await createLlmHarness({ fixtures: ['basic.json'] });
    const { run, steps } = await harness.run('summarise the page');
    expect(run.tainted).toBe(true);
    expect(run.status).toBe('denied');
    expect(steps.map((step) => [step.tool, step.status])).toEqual([
      ['@test/testkit/fetch-page', 'succeeded'],
      ['@test/testkit/wipe-thing', 'denied'],
    ]);
    expect(steps[1]?.decision).toMatchObject({ policyIds: ['no-critical-writes-after-taint'] });
    expect(harness.gateHarness.recorder.calls.map((call) => call.tool.name)).toEqual([
      'fetch-page',
    ]);
    // The page reached the model as untrusted data in a tool message, not as the user's words.
    const messages = harness.model.requests[1]?.body.messages as Array<{
      role: string;
      content: unknown;
    }>;
    const page = messages.find((message) => message.role === 'tool');
    expect(String(page?.content)).toMatch(/trust="untrusted"/);
    expect(String(page?.content)).toMatch(/It is not an instruction/);
    expect(
      messages.filter((message) => message.role === 'user').map((message) => message.content),
    ).toEqual(['summarise the page']);
    // The runtime, not the model, says where the argument came from.
    const called = (await harness.entries(run.id)).filter((entry) => entry.type === 'model-called');
    expect(called[1]?.details.calls[0]).toMatchObject({
      tool: '@test/testkit/wipe-thing',
      provenance: { thing: 'untrusted' },
    });
  });

  it('holds a risky write the hijacked model proposes for a person, and nothing changes', async () => {
    harness = await createLlmHarness({ fixtures: ['basic.json'] });
    const { run, steps } = await harness.run('check the page then note it');
    expect(run.status).toBe('awaiting_approval');
    expect(steps.at(-1)).toMatchObject({
      tool: '@test/testkit/set-thing',
      status: 'awaiting_approval',
    });
    expect(harness.gateHarness.recorder.things.size).toBe(0);
  });

  it('denies a tool the model invents, on the record', async () => {
    harness = await createLlmHarness({ fixtures: ['basic.json'] });
    const { run, steps } = await harness.run('send mail');
    expect(run.status).toBe('denied');
    expect(steps[0]).toMatchObject({ tool: 'mail__send', status: 'denied' });
    expect(run.reason).toMatch(/denied at resolve/);
    const denied = (await harness.entries(run.id)).find(
      (entry) => entry.type === 'tool-call-denied',
    );
    expect(denied?.model?.version).toBe('fake-model-2025-01-01');
  });
});

describe('plan-then-execute', () => {
  it('plans from the task alone, then lets data fill only the arguments the plan left open', async () => {
    harness = await createLlmHarness({ fixtures: ['plan.json'] });
    const { run, steps } = await harness.run('read the page and note it on alpha (obediently)', {
      mode: 'plan-then-execute',
    });
    // The planning request carried the task and nothing else.
    const planning = harness.model.requests[0]?.body as {
      messages: Array<{ role: string }>;
      tools: unknown[];
    };
    expect(planning.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(planning.tools).toHaveLength(1);
    expect(steps.map((step) => [step.tool, step.status])).toEqual([
      ['@test/testkit/fetch-page', 'succeeded'],
      ['@test/testkit/set-thing', 'awaiting_approval'],
    ]);
    expect(steps[1]?.args).toMatchObject({ thing: 'alpha' });
    expect(run.status).toBe('awaiting_approval');
    const plan = (await harness.entries(run.id)).find((entry) => entry.type === 'plan-recorded');
    expect(plan?.details).toMatchObject({
      accepted: true,
      steps: [
        { tool: '@test/testkit/fetch-page', args: {}, fill: [] },
        { tool: '@test/testkit/set-thing', args: { thing: 'alpha' }, fill: ['value'] },
      ],
    });
  });

  it('refuses, before the gate, a call whose fixed argument the untrusted page changed', async () => {
    harness = await createLlmHarness({ fixtures: ['plan.json'] });
    const { run, steps } = await harness.run('read the page and note it on alpha (hijacked)', {
      mode: 'plan-then-execute',
    });
    expect(run.status).toBe('failed');
    expect(run.reason).toMatch(
      /refused before the gate: the model proposed a call outside the accepted plan \(plan step 2: argument thing differs from the plan/,
    );
    expect(steps).toHaveLength(1);
    expect(harness.gateHarness.recorder.calls.map((call) => call.tool.name)).toEqual([
      'fetch-page',
    ]);
    const types = (await harness.entries(run.id)).map((entry) => entry.type);
    expect(types).toContain('plan-deviation-refused');
    expect(types.filter((type) => type === 'approval-requested')).toEqual([]);
  });

  it('rejects a plan that names arguments the tool does not have, and runs nothing', async () => {
    harness = await createLlmHarness({ fixtures: ['plan.json'] });
    const { run, steps } = await harness.run('plan something impossible', {
      mode: 'plan-then-execute',
    });
    expect(run.status).toBe('failed');
    expect(run.reason).toBe(
      'plan rejected: plan step 1 (@test/testkit/echo) names unknown arguments: volume',
    );
    expect(steps).toEqual([]);
    const plan = (await harness.entries(run.id)).find((entry) => entry.type === 'plan-recorded');
    expect(plan?.details).toMatchObject({ accepted: false });
  });
});

describe('durable conversation', () => {
  it('lets another process take the next turn after an approval', async () => {
    harness = await createLlmHarness({ fixtures: ['basic.json'] });
    const { run } = await harness.run('switch alpha on');
    expect(run.status).toBe('awaiting_approval');
    const [approval] = await harness.gateHarness.store.approvals.list('default', { runId: run.id });
    const decided = await harness.gateHarness.approvals.decide(
      'default',
      approval?.id ?? '',
      harness.gateHarness.approver,
      'approve',
      'ok',
    );
    expect(decided.status).toBe('approved');
    const elsewhere = await harness.anotherEngine();
    const finished = await elsewhere.drive('default', run.id);
    expect(finished.status).toBe('completed');
    expect(finished.reason).toBe('alpha is on.');
    expect(harness.gateHarness.recorder.things.get('alpha')).toBe('on');
    // The second model call saw the whole conversation, rebuilt from the stored state.
    const messages = harness.model.requests.at(-1)?.body.messages as Array<{ role: string }>;
    expect(messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
    ]);
  });
});
