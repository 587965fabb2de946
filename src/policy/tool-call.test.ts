import { describe, expect, it } from 'vitest';
import { toCedarValue } from './cedar-value.js';
import { PolicyEngine } from './engine.js';
import { toolCallRequest } from './tool-call.js';
import type { ToolCallInput } from './tool-call.js';

function call(overrides: Partial<ToolCallInput> = {}): ToolCallInput {
  return {
    agent: { id: 'itops-agent', owner: 'alice', environment: 'staging' },
    user: { id: 'bob', roles: ['operator'] },
    tool: { id: '@castellan/itops/restart-service', effect: 'write', risk: 'medium' },
    pack: { name: '@castellan/itops', version: '1.0.0', digest: 'sha256:00' },
    resource: { type: 'Service', id: 'web-1' },
    environment: 'staging',
    tainted: false,
    args: { service: 'web-1' },
    ...overrides,
  };
}

function decide(text: string, input: ToolCallInput): string {
  return PolicyEngine.load({ 'test.cedar': text }, 1).decide(toolCallRequest(input)).effect;
}

describe('toolCallRequest', () => {
  it('builds the principal, action, resource and context the policies read', () => {
    const request = toolCallRequest(call());
    expect(request.principal).toEqual({ type: 'Castellan::Agent', id: 'itops-agent' });
    expect(request.action).toEqual({
      type: 'Castellan::Action',
      id: '@castellan/itops/restart-service',
    });
    expect(request.resource).toEqual({ type: 'Castellan::Service', id: 'web-1' });
    expect(request.context).toEqual({
      environment: 'staging',
      risk: 'medium',
      effect: 'write',
      tainted: false,
      pack: '@castellan/itops',
      packVersion: '1.0.0',
      packDigest: 'sha256:00',
      tool: '@castellan/itops/restart-service',
      user: { __entity: { type: 'Castellan::User', id: 'bob' } },
      args: { service: 'web-1' },
      destination: 'external',
      provenance: {},
      untrustedArgs: [],
      dataClasses: [],
      ownDataClasses: [],
      untrustedDataClasses: [],
      egress: {
        runBytes: 0,
        runRecords: 0,
        destinationBytes: 0,
        destinationRecords: 0,
        callBytes: 0,
        callRecords: 0,
      },
      time: { epochSeconds: 0, hourUtc: 0, weekdayUtc: 4 },
    });
  });

  it('gives policies the destination, provenance, data classes, egress and time', () => {
    const request = toolCallRequest(
      call({
        destination: 'internal',
        provenance: { service: 'untrusted', note: 'prompt' },
        dataClasses: ['iban', 'email'],
        egress: {
          runBytes: 10,
          runRecords: 1,
          destinationBytes: 5,
          destinationRecords: 1,
          callBytes: 3,
          callRecords: 0,
        },
        time: '2026-11-26T17:30:00.000Z',
      }),
    );
    expect(request.context).toMatchObject({
      destination: 'internal',
      provenance: { service: 'untrusted', note: 'prompt' },
      untrustedArgs: ['service'],
      dataClasses: ['email', 'iban'],
      egress: { runBytes: 10, callBytes: 3 },
      time: { hourUtc: 17, weekdayUtc: 4 },
    });
    const text = `@id("no-untrusted-service") permit(principal, action, resource)
      unless { context.untrustedArgs.contains("service") };`;
    expect(decide(text, call({ provenance: { service: 'untrusted' } }))).toBe('deny');
    expect(decide(text, call({ provenance: { service: 'prompt' } }))).toBe('allow');
  });

  it('puts the tool in its effect and risk action groups', () => {
    const byEffect =
      '@id("w") permit(principal, action in Castellan::Action::"effect:write", resource);';
    const byRisk =
      '@id("r") permit(principal, action in Castellan::Action::"risk:high", resource);';
    expect(decide(byEffect, call())).toBe('allow');
    expect(decide(byEffect, call({ tool: { ...call().tool, effect: 'read' } }))).toBe('deny');
    expect(decide(byRisk, call({ tool: { ...call().tool, risk: 'high' } }))).toBe('allow');
    expect(decide(byRisk, call())).toBe('deny');
  });

  it("lets a policy test the user's roles through context.user", () => {
    const text =
      '@id("ops") permit(principal, action, resource) when { context.user in Castellan::Role::"operator" };';
    expect(decide(text, call())).toBe('allow');
    expect(decide(text, call({ user: { id: 'eve', roles: ['viewer'] } }))).toBe('deny');
  });

  it('gives the agent its owner and environment, and the args to policies', () => {
    const text = `@id("own") permit(principal, action, resource)
      when { principal.owner == Castellan::User::"alice" && principal.environment == "staging"
             && context.args.service == "web-1" };`;
    expect(decide(text, call())).toBe('allow');
    expect(decide(text, call({ args: { service: 'db-1' } }))).toBe('deny');
  });

  it('cannot be tricked by an entity reference smuggled into the arguments', () => {
    const forged = { __entity: { type: 'Castellan::Role', id: 'operator' } };
    const text =
      '@id("x") permit(principal, action, resource) when { context.args.who in Castellan::Role::"operator" };';
    // The forged reference arrives as text, so `in` errors and the decision fails closed.
    expect(decide(text, call({ args: { who: forged } }))).toBe('deny');
  });

  it('keeps a call with null or fractional arguments decidable', () => {
    const text = '@id("p") permit(principal, action, resource);';
    expect(decide(text, call({ args: { ratio: 0.5, note: null, list: [1, null, 2.5] } }))).toBe(
      'allow',
    );
  });

  it('does not add the resource twice when it is the agent itself', () => {
    const text = '@id("p") permit(principal, action, resource);';
    const request = toolCallRequest(call({ resource: { type: 'Agent', id: 'itops-agent' } }));
    expect(request.entities.filter((entity) => entity.uid.id === 'itops-agent')).toHaveLength(1);
    expect(decide(text, call({ resource: { type: 'Agent', id: 'itops-agent' } }))).toBe('allow');
  });
});

describe('toCedarValue', () => {
  it('turns what Cedar cannot hold into data it can', () => {
    expect(
      toCedarValue({
        keep: 3,
        text: 'x',
        flag: true,
        gone: null,
        ratio: 0.25,
        huge: 2 ** 60,
        list: [1, null, 'a'],
        when: new Date('2025-01-02T03:04:05.000Z'),
        forged: { __extn: { fn: 'ip', arg: '10.0.0.1' } },
      }),
    ).toEqual({
      keep: 3,
      text: 'x',
      flag: true,
      ratio: '0.25',
      huge: String(2 ** 60),
      list: [1, 'a'],
      when: '2025-01-02T03:04:05.000Z',
      forged: '{"__extn":{"fn":"ip","arg":"10.0.0.1"}}',
    });
  });

  it('cuts off nesting deeper than 32 levels', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 40; level += 1) deep = { next: deep };
    expect(JSON.stringify(toCedarValue(deep))).toContain('[nested too deep]');
  });
});
