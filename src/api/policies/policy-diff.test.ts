import { describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../policy/index.js';
import { diffPolicySets } from './policy-diff.js';

function set(text: string) {
  return PolicyEngine.check({ 'p.cedar': text }).policies;
}

const base = set(`
@id("reads") permit (principal, action in Castellan::Action::"effect:read", resource);
@id("risky") @approval("approver") @quorum("2") permit (principal, action, resource) when { context.tainted };
@id("no-pay") forbid (principal, action == Castellan::Action::"@x/pay", resource) when { context.tainted };
`);

function weakening(text: string): Array<[string, string]> {
  return diffPolicySets(base, set(text)).weakening.map((change) => [change.id, change.why]);
}

describe('the weakening rule', () => {
  it('counts removing or changing a forbid, adding a permit and changing a permit as weakening', () => {
    expect(
      weakening(`
@id("reads") permit (principal, action in Castellan::Action::"effect:read", resource);
@id("risky") @approval("approver") @quorum("2") permit (principal, action, resource);
@id("writes") permit (principal, action in Castellan::Action::"effect:write", resource);
`),
    ).toEqual([
      ['no-pay', 'removes a forbid'],
      ['risky', 'changes a permit (it may permit more)'],
      ['writes', 'adds a permit'],
    ]);
    expect(
      weakening(`
@id("reads") permit (principal, action in Castellan::Action::"effect:read", resource);
@id("risky") @approval("approver") @quorum("2") permit (principal, action, resource) when { context.tainted };
@id("no-pay") forbid (principal, action == Castellan::Action::"@x/pay", resource) when { context.tainted && context.risk == "high" };
`),
    ).toEqual([['no-pay', 'changes a forbid (it may forbid less)']]);
  });

  it('counts a lighter approval or more data let out as weakening', () => {
    const lighter = weakening(`
@id("reads") @allowData("email") permit (principal, action in Castellan::Action::"effect:read", resource);
@id("risky") @approval("approver") permit (principal, action, resource) when { context.tainted };
@id("no-pay") forbid (principal, action == Castellan::Action::"@x/pay", resource) when { context.tainted };
`);
    expect(lighter).toEqual([
      ['reads', 'a permit lets more data classes leave'],
      ['risky', 'a permit lowers its approval quorum'],
    ]);
  });

  it('lets tightening through: a new forbid, a removed permit, more approval, whitespace', () => {
    const diff = diffPolicySets(
      base,
      set(`
@id("risky")   @approval("approver") @quorum("3")
permit (principal, action, resource) when { context.tainted };
@id("no-pay") forbid (principal, action == Castellan::Action::"@x/pay", resource) when { context.tainted };
@id("no-wipe") forbid (principal, action == Castellan::Action::"@x/wipe", resource);
`),
    );
    expect(diff.weakening).toEqual([]);
    expect(diff.changes.map((change) => [change.id, change.change])).toEqual([
      ['no-wipe', 'added'],
      ['reads', 'removed'],
      ['risky', 'changed'],
    ]);
  });
});
