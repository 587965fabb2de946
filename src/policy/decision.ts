import type { AuthorizationAnswer } from '@cedar-policy/cedar-wasm/nodejs';
import { describeCedarErrors } from './cedar.js';
import type { PolicyDecision, PolicyInfo } from './types.js';

/**
 * Turns Cedar's answer into Castellan's three-way decision. Order of precedence:
 * engine error > forbid > needs-approval > allow, and anything unexpected is a deny.
 *
 * Fail closed on evaluation errors: Cedar skips a policy whose condition errors (a missing
 * attribute, a type mismatch) and decides with the rest. For a forbid that silently turns
 * "forbidden" into "allowed"; for an approval-bearing permit it can turn needs-approval into a
 * plain allow through a sibling permit. We cannot know the author's intent for a policy that
 * did not evaluate, so any errored policy denies the whole request with 'engine-error'.
 */
export function toDecision(
  answer: AuthorizationAnswer,
  policies: ReadonlyMap<string, PolicyInfo>,
  policyVersion: number,
): PolicyDecision {
  if (answer.type === 'failure') {
    return engineError(policyVersion, [], describeCedarErrors(answer.errors));
  }
  const { decision, diagnostics } = answer.response;
  if (diagnostics.errors.length > 0) {
    const errored = [...diagnostics.errors].sort((left, right) =>
      compareIds(left.policyId, right.policyId),
    );
    const reasons = errored.map(
      (item) =>
        `engine-error: policy "${item.policyId}" could not be evaluated: ${describeCedarErrors([item.error])}`,
    );
    const policyIds = [...new Set(errored.map((item) => item.policyId))];
    return { effect: 'deny', policyIds, policyVersion, reasons };
  }
  // Cedar reports determining policies in no promised order; sort so decisions are stable.
  const policyIds = [...diagnostics.reason].sort(compareIds);
  if (decision === 'deny') {
    if (policyIds.length === 0) {
      return {
        effect: 'deny',
        policyIds,
        policyVersion,
        reasons: ['default-deny: no policy permits this'],
      };
    }
    const reasons = policyIds.map((id) => `forbidden: policy "${id}" forbids this`);
    return { effect: 'deny', policyIds, policyVersion, reasons };
  }
  if (decision !== 'allow' || policyIds.length === 0) {
    // An allow must name its permit; anything else means the engine misbehaved.
    return engineError(policyVersion, policyIds, `unexpected Cedar answer: ${String(decision)}`);
  }
  return approvalOrAllow(policyIds, policies, policyVersion);
}

function approvalOrAllow(
  policyIds: string[],
  policies: ReadonlyMap<string, PolicyInfo>,
  policyVersion: number,
): PolicyDecision {
  const rules: Array<{ id: string; role: string; quorum: number }> = [];
  const allowed = new Set<string>();
  for (const id of policyIds) {
    const policy = policies.get(id);
    if (policy === undefined) {
      return engineError(policyVersion, policyIds, `Cedar named an unknown policy "${id}"`);
    }
    if (policy.approval !== undefined) rules.push({ id, ...policy.approval });
    for (const dataClass of policy.allowData ?? []) allowed.add(dataClass);
  }
  // Data classes a determining permit allows to leave; absent when none does.
  const allowedData = allowed.size === 0 ? {} : { allowedData: [...allowed].sort() };
  if (rules.length === 0) return { effect: 'allow', policyIds, policyVersion, ...allowedData };
  // The strictest rule wins: highest quorum, then the first policy id. The others stay visible
  // in the reasons so an approver sees every rule that asked for a human.
  rules.sort((left, right) => right.quorum - left.quorum || compareIds(left.id, right.id));
  const [strictest] = rules as [(typeof rules)[number], ...typeof rules];
  const reasons = rules.map(
    (rule) =>
      `approval-required: policy "${rule.id}" requires ${rule.quorum} approval(s) by role "${rule.role}"`,
  );
  return {
    effect: 'needs-approval',
    policyIds,
    policyVersion,
    approval: { role: strictest.role, quorum: strictest.quorum },
    reasons,
    ...allowedData,
  };
}

/** The deny for anything the engine could not decide; the message is Cedar's or ours. */
export function engineError(
  policyVersion: number,
  policyIds: string[],
  message: string,
): PolicyDecision {
  return { effect: 'deny', policyIds, policyVersion, reasons: [`engine-error: ${message}`] };
}

// Plain code-unit order: the same on every machine and locale, unlike localeCompare.
function compareIds(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
