import { describe, expect, it } from 'vitest';
import { PolicyEngine } from './engine.js';
import { STARTER_POLICIES } from './starter.js';
import { toolCallRequest } from './tool-call.js';
import type { ToolCallInput } from './tool-call.js';
import type { PolicyDecision } from './types.js';

const engine = PolicyEngine.load(STARTER_POLICIES, 1);

function decide(
  effect: ToolCallInput['tool']['effect'],
  risk: ToolCallInput['tool']['risk'],
  tainted = false,
  extra: Partial<ToolCallInput> = { destination: 'internal' },
): PolicyDecision {
  return engine.decide(
    toolCallRequest({
      agent: { id: 'itops-agent', owner: 'alice', environment: 'prod' },
      user: { id: 'bob', roles: ['operator'] },
      tool: { id: `@castellan/itops/${effect}-${risk}`, effect, risk },
      pack: { name: '@castellan/itops', version: '1.0.0', digest: 'sha256:00' },
      resource: { type: 'Service', id: 'web-1' },
      environment: 'prod',
      tainted,
      args: {},
      ...extra,
    }),
  );
}

describe('STARTER_POLICIES', () => {
  it('loads with its seven named policies', () => {
    expect(engine.policies.map((policy) => policy.id)).toEqual([
      'read-tools',
      'routine-writes',
      'risky-writes-need-approval',
      'no-critical-writes-after-taint',
      'no-personal-data-to-untrusted-recipients',
      'untrusted-values-to-external-need-two-approvers',
      'external-writes-after-taint-need-approval',
    ]);
  });

  it('forbids personal data going out through an argument that came from untrusted content', () => {
    const decision = decide('write', 'low', true, {
      destination: 'external',
      provenance: { to: 'untrusted', body: 'planner' },
      dataClasses: ['email'],
      ownDataClasses: ['email'],
    });
    expect(decision).toMatchObject({
      effect: 'deny',
      policyIds: ['no-personal-data-to-untrusted-recipients'],
    });
  });

  it('asks two approvers before an untrusted value leaves, even for a low-risk write', () => {
    const decision = decide('write', 'low', false, {
      destination: 'external',
      provenance: { iban: 'untrusted' },
      dataClasses: ['iban'],
      untrustedDataClasses: ['iban'],
    });
    expect(decision).toMatchObject({
      effect: 'needs-approval',
      approval: { role: 'approver', quorum: 2 },
    });
    expect(decision.policyIds).toContain('untrusted-values-to-external-need-two-approvers');
  });

  it('asks an approver before anything leaves the organisation after taint', () => {
    expect(decide('write', 'medium', true, { destination: 'external' })).toMatchObject({
      effect: 'needs-approval',
      approval: { role: 'approver', quorum: 1 },
      policyIds: ['external-writes-after-taint-need-approval', 'routine-writes'],
    });
    // The same write to an internal system after taint stays routine.
    expect(decide('write', 'medium', true)).toMatchObject({
      effect: 'allow',
      policyIds: ['routine-writes'],
    });
  });

  it('allows read tools at any risk, tainted or not', () => {
    expect(decide('read', 'low')).toMatchObject({ effect: 'allow', policyIds: ['read-tools'] });
    expect(decide('read', 'critical', true)).toMatchObject({
      effect: 'allow',
      policyIds: ['read-tools'],
    });
  });

  it('allows low and medium risk writes', () => {
    expect(decide('write', 'low')).toMatchObject({
      effect: 'allow',
      policyIds: ['routine-writes'],
    });
    expect(decide('write', 'medium', true)).toMatchObject({
      effect: 'allow',
      policyIds: ['routine-writes'],
    });
  });

  it('asks an approver for high and critical writes', () => {
    for (const risk of ['high', 'critical'] as const) {
      expect(decide('write', risk)).toMatchObject({
        effect: 'needs-approval',
        policyIds: ['risky-writes-need-approval'],
        approval: { role: 'approver', quorum: 1 },
      });
    }
  });

  it('still asks for approval on a high-risk write after taint', () => {
    expect(decide('write', 'high', true).effect).toBe('needs-approval');
  });

  it('forbids a critical write once the run is tainted, approval or not', () => {
    expect(decide('write', 'critical', true)).toEqual({
      effect: 'deny',
      policyIds: ['no-critical-writes-after-taint'],
      policyVersion: 1,
      reasons: ['forbidden: policy "no-critical-writes-after-taint" forbids this'],
    });
  });

  it('denies a critical write whose request lacks the taint flag', () => {
    const request = toolCallRequest({
      agent: { id: 'a', owner: 'o', environment: 'dev' },
      user: { id: 'u', roles: [] },
      tool: { id: 'p/t', effect: 'write', risk: 'critical' },
      pack: { name: 'p', version: '1.0.0', digest: 'sha256:00' },
      resource: { type: 'Service', id: 's' },
      environment: 'dev',
      tainted: false,
      args: {},
    });
    const { tainted: _dropped, ...context } = request.context;
    const decision = engine.decide({ ...request, context });
    expect(decision.effect).toBe('deny');
    if (decision.effect === 'deny') expect(decision.reasons[0]).toMatch(/^engine-error: /);
  });
});
