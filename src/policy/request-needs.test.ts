import { describe, expect, it } from 'vitest';
import { cedarWasm } from './cedar.js';
import { needsEntityStore, requestNeeds } from './request-needs.js';
import { STARTER_POLICIES } from './starter.js';
import { parsePolicyFiles } from './parse.js';

function needsOf(text: string, id = '@id("p") ') {
  return requestNeeds(
    parsePolicyFiles({ 'test.cedar': `${id}${text}` }).map((policy) => {
      const answer = cedarWasm().policyToJson(policy.text);
      if (answer.type !== 'success') throw new Error('unparsable test policy');
      return answer.json;
    }),
  );
}

const user = { __entity: { type: 'Castellan::User', id: 'ann' } };

describe('requestNeeds', () => {
  it('finds that the starter policies read four context attributes and no entity', () => {
    const needs = needsOf(STARTER_POLICIES['starter.cedar'] ?? '', '');
    expect([...(needs.contextAttributes ?? [])].sort()).toEqual([
      'destination',
      'ownDataClasses',
      'tainted',
      'untrustedArgs',
    ]);
    expect(needs.entityStore).toBe(false);
    expect(needsEntityStore(needs, { user })).toBe(false);
  });

  it('needs the store for an attribute of the principal or the resource', () => {
    expect(
      needsOf('permit(principal, action, resource) when { principal.owner == context.user };')
        .entityStore,
    ).toBe(true);
    expect(
      needsOf('permit(principal, action, resource) when { resource has tag };').entityStore,
    ).toBe(true);
    expect(
      needsOf('permit(principal, action, resource) when { resource.hasTag("x") };').entityStore,
    ).toBe(true);
  });

  it('needs the store for membership of anything but the action', () => {
    expect(
      needsOf('forbid(principal in Castellan::Role::"x", action, resource);').entityStore,
    ).toBe(true);
    expect(
      needsOf('forbid(principal, action, resource is Castellan::Thing in Castellan::Pack::"p");')
        .entityStore,
    ).toBe(true);
    expect(
      needsOf('forbid(principal, action, resource) when { principal in Castellan::Role::"x" };')
        .entityStore,
    ).toBe(true);
    expect(
      needsOf(
        'forbid(principal, action in Castellan::Action::"effect:write", resource) when { action in Castellan::Action::"risk:high" };',
      ).entityStore,
    ).toBe(false);
  });

  it('needs the store when a policy looks into a context value that is an entity', () => {
    const needs = needsOf(
      'forbid(principal, action, resource) when { context.user in Castellan::Role::"intern" };',
    );
    expect(needs.entityStore).toBe(false);
    expect(needsEntityStore(needs, { user })).toBe(true);
    const records = needsOf(
      'forbid(principal, action, resource) when { context.egress.callBytes > 10 && context has args.to };',
    );
    expect(needsEntityStore(records, { egress: { callBytes: 1 }, args: { to: 'x' } })).toBe(false);
    expect([...(records.contextAttributes ?? [])].sort()).toEqual(['args', 'egress']);
  });

  it('keeps the whole context when a policy uses it other than by attribute', () => {
    expect(
      needsOf('permit(principal, action, resource) when { context == {} };').contextAttributes,
    ).toBeUndefined();
  });

  it('reads everything of a policy form it does not know', () => {
    const needs = requestNeeds([
      {
        effect: 'permit',
        principal: { op: 'All' },
        action: { op: 'All' },
        resource: { op: 'All' },
        conditions: [{ kind: 'when', body: { 'new-operator': { left: { Var: 'principal' } } } }],
      },
    ]);
    expect(needs).toEqual({
      contextAttributes: undefined,
      entityStore: true,
      dereferencedContextPaths: [],
    });
    expect(requestNeeds([undefined]).entityStore).toBe(true);
  });
});
