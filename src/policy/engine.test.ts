import { describe, expect, it } from 'vitest';
import { PolicyEngine } from './engine.js';
import type { PolicyRequest } from './types.js';

const agent = { type: 'Castellan::Agent', id: 'itops-agent' };
const restart = { type: 'Castellan::Action', id: '@castellan/itops/restart-service' };
const service = { type: 'Castellan::Service', id: 'web-1' };

function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return {
    principal: agent,
    action: restart,
    resource: service,
    context: {},
    entities: [],
    ...overrides,
  };
}

function engine(text: string): PolicyEngine {
  return PolicyEngine.load({ 'test.cedar': text }, 7);
}

describe('PolicyEngine.decide', () => {
  it('allows with the ids of the permits that decided', () => {
    const decision = engine(`
      @id("b-any") permit(principal, action, resource);
      @id("a-agent") permit(principal is Castellan::Agent, action, resource);
      @id("other") permit(principal, action, resource) when { false };
    `).decide(request());
    expect(decision).toEqual({
      effect: 'allow',
      policyIds: ['a-agent', 'b-any'],
      policyVersion: 7,
    });
  });

  it('denies by default and says no policy permits this', () => {
    const decision = engine(
      '@id("never") permit(principal, action, resource) when { false };',
    ).decide(request());
    expect(decision).toEqual({
      effect: 'deny',
      policyIds: [],
      policyVersion: 7,
      reasons: ['default-deny: no policy permits this'],
    });
  });

  it('denies everything with an empty policy set', () => {
    const decision = PolicyEngine.load({}, 1).decide(request());
    expect(decision.effect).toBe('deny');
  });

  it('lets a forbid win over a permit and over an approval', () => {
    const decision = engine(`
      @id("allow-all") permit(principal, action, resource);
      @id("with-approval") @approval("approver") permit(principal, action, resource);
      @id("stop") forbid(principal, action, resource);
    `).decide(request());
    expect(decision).toEqual({
      effect: 'deny',
      policyIds: ['stop'],
      policyVersion: 7,
      reasons: ['forbidden: policy "stop" forbids this'],
    });
  });

  it('asks for approval with the role and quorum from the annotations', () => {
    const decision = engine(`
      @id("plain") permit(principal, action, resource);
      @id("risky") @approval("change-board") @quorum("2") permit(principal, action, resource);
    `).decide(request());
    expect(decision).toEqual({
      effect: 'needs-approval',
      policyIds: ['plain', 'risky'],
      policyVersion: 7,
      approval: { role: 'change-board', quorum: 2 },
      reasons: ['approval-required: policy "risky" requires 2 approval(s) by role "change-board"'],
    });
  });

  it('defaults the quorum to one', () => {
    const decision = engine(
      '@id("p") @approval("approver") permit(principal, action, resource);',
    ).decide(request());
    expect(decision.effect === 'needs-approval' && decision.approval).toEqual({
      role: 'approver',
      quorum: 1,
    });
  });

  it('picks the strictest approval rule and lists every rule in the reasons', () => {
    const decision = engine(`
      @id("c-one") @approval("approver") permit(principal, action, resource);
      @id("b-three") @approval("security") @quorum("3") permit(principal, action, resource);
      @id("a-three") @approval("sre-lead") @quorum("3") permit(principal, action, resource);
    `).decide(request());
    expect(decision.effect).toBe('needs-approval');
    if (decision.effect !== 'needs-approval') return;
    // Highest quorum wins; between the two quorum-3 rules the first policy id does.
    expect(decision.approval).toEqual({ role: 'sre-lead', quorum: 3 });
    expect(decision.reasons).toEqual([
      'approval-required: policy "a-three" requires 3 approval(s) by role "sre-lead"',
      'approval-required: policy "b-three" requires 3 approval(s) by role "security"',
      'approval-required: policy "c-one" requires 1 approval(s) by role "approver"',
    ]);
  });

  it('ignores the approval annotation of a permit that did not match', () => {
    const decision = engine(`
      @id("plain") permit(principal, action, resource);
      @id("risky") @approval("approver") permit(principal, action, resource) when { false };
    `).decide(request());
    expect(decision.effect).toBe('allow');
  });

  it('fails closed with engine-error when a policy cannot be evaluated', () => {
    const decision = engine(`
      @id("allow-all") permit(principal, action, resource);
      @id("broken-forbid") forbid(principal, action, resource) when { context.nonexistent.x == 1 };
    `).decide(request());
    expect(decision.effect).toBe('deny');
    expect(decision.policyIds).toEqual(['broken-forbid']);
    if (decision.effect !== 'deny') return;
    expect(decision.reasons[0]).toMatch(
      /^engine-error: policy "broken-forbid" could not be evaluated: /,
    );
    expect(decision.reasons[0]).toContain('nonexistent');
  });

  it('denies with engine-error on a malformed entity instead of throwing', () => {
    const decision = engine('@id("p") permit(principal, action, resource);').decide(
      request({ entities: [{ uid: agent, attrs: { ratio: 0.5 }, parents: [] }] }),
    );
    expect(decision.effect).toBe('deny');
    if (decision.effect === 'deny') expect(decision.reasons[0]).toMatch(/^engine-error: /);
  });

  it('denies with engine-error on a malformed context value that no policy reads', () => {
    const decision = engine('@id("p") permit(principal, action, resource);').decide(
      request({ context: { ratio: 0.5 } }),
    );
    expect(decision.effect).toBe('deny');
    if (decision.effect === 'deny') expect(decision.reasons[0]).toMatch(/^engine-error: /);
  });

  it('still looks roles up in the entity store when a policy asks through the context', () => {
    const user = { type: 'Castellan::User', id: 'ann' };
    const loaded = engine(`
      @id("allow-all") permit(principal, action, resource);
      @id("no-interns") forbid(principal, action, resource)
        when { context.user in Castellan::Role::"intern" };
    `);
    const entities = [
      { uid: user, attrs: {}, parents: [{ type: 'Castellan::Role', id: 'intern' }] },
    ];
    const asIntern = loaded.decide(request({ context: { user: { __entity: user } }, entities }));
    expect(asIntern).toMatchObject({ effect: 'deny', policyIds: ['no-interns'] });
    const asStaff = loaded.decide(
      request({
        context: { user: { __entity: user } },
        entities: [{ ...entities[0]!, parents: [] }],
      }),
    );
    expect(asStaff.effect).toBe('allow');
  });

  it('denies with engine-error when the request is not even well-formed', () => {
    const broken = { ...request(), context: undefined } as unknown as PolicyRequest;
    const decision = engine('@id("p") permit(principal, action, resource);').decide(broken);
    expect(decision.effect).toBe('deny');
    if (decision.effect === 'deny') expect(decision.reasons[0]).toMatch(/^engine-error: /);
  });

  it('decides the same request the same way every time', () => {
    const loaded = engine(`
      @id("z") permit(principal, action, resource);
      @id("a") @approval("approver") permit(principal, action, resource);
      @id("m") permit(principal, action, resource);
    `);
    const first = loaded.decide(request());
    for (let round = 0; round < 20; round += 1) expect(loaded.decide(request())).toEqual(first);
  });

  it('decides a repeated request again on what it reads, and hands out decisions no caller can change', () => {
    const loaded = engine(`
      @id("allow-all") permit(principal, action, resource);
      @id("no-taint") forbid(principal, action, resource) when { context.tainted };
    `);
    const clean = loaded.decide(request({ context: { tainted: false } }));
    expect(clean.effect).toBe('allow');
    clean.policyIds.push('forged');
    expect(loaded.decide(request({ context: { tainted: true } }))).toMatchObject({
      effect: 'deny',
      policyIds: ['no-taint'],
    });
    expect(loaded.decide(request({ context: { tainted: false } }))).toEqual({
      effect: 'allow',
      policyIds: ['allow-all'],
      policyVersion: 7,
    });
  });

  it('keeps two policy sets loaded under one version apart', () => {
    const permit = PolicyEngine.load(
      { 'a.cedar': '@id("p") permit(principal, action, resource);' },
      3,
    );
    const forbid = PolicyEngine.load(
      { 'a.cedar': '@id("f") forbid(principal, action, resource);' },
      3,
    );
    expect(permit.decide(request()).effect).toBe('allow');
    expect(forbid.decide(request()).effect).toBe('deny');
  });
});
