import { describeError } from '../../core/index.js';
import { toolCallRequest, type PolicyDecision } from '../../policy/index.js';
import type { CallContext, StageVerdict } from '../context.js';
import { deny } from '../context.js';
import type { GateDependencies } from '../types.js';
import { gatherOutbound, policyInput, recordedInput } from './policy-input.js';

/**
 * Stage 3: the Cedar decision on (agent, tool, resource, context). The context carries the
 * guard's facts: destination, argument provenance, data classes, egress so far, time. No engine,
 * an engine that fails, or a guard that cannot gather its facts, is a denial. Needs-approval
 * passes this stage and is enforced by the approve stage. A shadow set, when one is set, decides
 * the same request beside it; its answer is recorded, never enforced.
 */
export async function policyStage(
  dependencies: GateDependencies,
  context: CallContext,
): Promise<StageVerdict> {
  const resolved = context.resolved;
  if (resolved === undefined) return deny('not-resolved', 'policy ran before resolve');
  const engine = dependencies.policy();
  if (engine === undefined) {
    return deny(
      'engine-unavailable',
      'no valid policy set is loaded; every call is denied until one is',
    );
  }
  let facts;
  try {
    facts = await gatherOutbound(dependencies, context);
  } catch (error) {
    return deny(
      'guard-unavailable',
      `the data guard could not inspect the call: ${describeError(error)}`,
    );
  }
  if (facts === undefined) return deny('not-resolved', 'policy ran before resolve');
  context.outbound = facts;
  const input = policyInput(dependencies, context, facts);
  const request = toolCallRequest(input);
  const decision = engine.decide(request);
  context.policy = decision;
  const detail: Record<string, unknown> = {
    effect: decision.effect,
    policyIds: decision.policyIds,
    policyVersion: decision.policyVersion,
    input: recordedInput(input),
  };
  const shadow = shadowDecision(dependencies, request);
  if (shadow !== undefined) detail.shadow = shadow;
  if (decision.effect === 'deny') {
    return deny('policy-denied', decision.reasons.join('; ') || 'denied by policy', {
      policyIds: decision.policyIds,
      detail,
    });
  }
  return { ok: true, detail };
}

function shadowDecision(
  dependencies: GateDependencies,
  request: ReturnType<typeof toolCallRequest>,
): Record<string, unknown> | undefined {
  let engine;
  try {
    engine = dependencies.shadowPolicy?.();
  } catch {
    return undefined;
  }
  if (engine === undefined) return undefined;
  // decide() never throws; a shadow's failure is its own deny, recorded like any other answer.
  const decision: PolicyDecision = engine.decide(request);
  return {
    version: decision.policyVersion,
    effect: decision.effect,
    policyIds: decision.policyIds,
    ...(decision.effect === 'allow' ? {} : { reasons: decision.reasons }),
  };
}
