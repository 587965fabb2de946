import type { PolicyInfo } from '../../policy/index.js';

/** One difference between two policy sets, by @id. */
export interface PolicyChange {
  id: string;
  change: 'added' | 'removed' | 'changed';
  /** The effect after the change (before it, for a removal). */
  effect: 'permit' | 'forbid';
  /** Whether the change can let through something the old set refused. */
  weakening: boolean;
  why: string;
  before?: string;
  after?: string;
}

/** The differences between two sets and the ones that weaken. */
export interface PolicyDiff {
  changes: PolicyChange[];
  weakening: PolicyChange[];
}

const ANNOTATIONS = /^(\s*@[A-Za-z_][A-Za-z0-9_]*(\s*\(\s*"(?:[^"\\]|\\.)*"\s*\))?)*\s*/;

/** A policy's body without its annotations, with whitespace and comments normalised. */
function body(policy: PolicyInfo): string {
  return policy.text
    .replace(ANNOTATIONS, '')
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether the annotations alone ask for less: a lost or lighter approval, more data allowed out. */
function annotationsWeaken(before: PolicyInfo, after: PolicyInfo): string | undefined {
  if (before.approval !== undefined) {
    if (after.approval === undefined) return 'drops its approval';
    if (after.approval.quorum < before.approval.quorum) return 'lowers its approval quorum';
    if (after.approval.role !== before.approval.role) return 'changes its approver role';
  }
  const allowedBefore = new Set(before.allowData ?? []);
  if ((after.allowData ?? []).some((item) => !allowedBefore.has(item)))
    return 'lets more data classes leave';
  return undefined;
}

function classify(before: PolicyInfo, after: PolicyInfo): { weakening: boolean; why: string } {
  if (before.effect === 'forbid' && after.effect === 'permit')
    return { weakening: true, why: 'turns a forbid into a permit' };
  if (before.effect === 'permit' && after.effect === 'forbid')
    return { weakening: false, why: 'turns a permit into a forbid' };
  const sameBody = body(before) === body(after);
  if (before.effect === 'forbid') {
    // Cedar cannot tell us that a new condition is narrower; any change to a forbid's scope or
    // conditions may narrow it, so it counts as weakening until a person says otherwise.
    return sameBody
      ? { weakening: false, why: 'changes only the annotations of a forbid' }
      : { weakening: true, why: 'changes a forbid (it may forbid less)' };
  }
  const lighter = annotationsWeaken(before, after);
  if (!sameBody) return { weakening: true, why: 'changes a permit (it may permit more)' };
  if (lighter !== undefined) return { weakening: true, why: `a permit ${lighter}` };
  return { weakening: false, why: 'changes only annotations, asking no less' };
}

/**
 * Compares two policy sets by @id. Weakening (which needs a second security-admin): removing or
 * changing a forbid, adding a permit, changing a permit's conditions, or lightening its approval
 * or widening its `@allowData`. Tightening passes: adding a forbid, removing a permit, asking
 * for more approval.
 */
export function diffPolicySets(
  before: readonly PolicyInfo[],
  after: readonly PolicyInfo[],
): PolicyDiff {
  const old = new Map(before.map((policy) => [policy.id, policy]));
  const next = new Map(after.map((policy) => [policy.id, policy]));
  const changes: PolicyChange[] = [];
  for (const policy of before) {
    if (next.has(policy.id)) continue;
    changes.push({
      id: policy.id,
      change: 'removed',
      effect: policy.effect,
      weakening: policy.effect === 'forbid',
      why: policy.effect === 'forbid' ? 'removes a forbid' : 'removes a permit',
      before: policy.text,
    });
  }
  for (const policy of after) {
    const earlier = old.get(policy.id);
    if (earlier === undefined) {
      changes.push({
        id: policy.id,
        change: 'added',
        effect: policy.effect,
        weakening: policy.effect === 'permit',
        why: policy.effect === 'permit' ? 'adds a permit' : 'adds a forbid',
        after: policy.text,
      });
      continue;
    }
    if (earlier.text.replace(/\s+/g, ' ').trim() === policy.text.replace(/\s+/g, ' ').trim())
      continue;
    changes.push({
      id: policy.id,
      change: 'changed',
      effect: policy.effect,
      ...classify(earlier, policy),
      before: earlier.text,
      after: policy.text,
    });
  }
  changes.sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
  return { changes, weakening: changes.filter((change) => change.weakening) };
}
