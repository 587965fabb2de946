import { PolicyError } from './errors.js';
import type { ApprovalRule } from './types.js';

/**
 * Castellan's reading of a policy's annotations. Cedar itself ignores annotations; these give
 * each policy a stable name for decisions and audit (`@id`) and turn a permit into a
 * needs-approval (`@approval("role")`, optional `@quorum("N")`, default 1).
 */
export interface PolicyAnnotations {
  id: string;
  approval: ApprovalRule | undefined;
}

// Ids appear in decisions, audit entries and CLI output: keep them plain and bounded.
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const rolePattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const quorumPattern = /^[1-9][0-9]{0,2}$/;

/**
 * Reads `@id`, `@approval` and `@quorum` from Cedar's JSON annotations (a value-less annotation
 * such as `@approval` arrives as null). `where` names the policy in error messages.
 */
export function readAnnotations(
  annotations: Record<string, string | null> | undefined,
  effect: 'permit' | 'forbid',
  where: string,
): PolicyAnnotations {
  const id = annotations?.['id'];
  if (id === undefined || id === null || id === '') {
    throw new PolicyError(
      'missing-id',
      `${where} has no @id("...") annotation; every policy needs one`,
    );
  }
  if (!idPattern.test(id)) {
    throw new PolicyError(
      'invalid-policy',
      `${where}: @id("${id}") must be 1-128 letters, digits, '.', '_', ':', '/' or '-'`,
    );
  }
  const named = `${where} @id("${id}")`;
  const role = annotations?.['approval'];
  const quorum = annotations?.['quorum'];
  if (role === undefined) {
    if (quorum !== undefined) {
      throw new PolicyError('invalid-policy', `${named}: @quorum needs an @approval("role")`);
    }
    return { id, approval: undefined };
  }
  // An approval on a forbid would read as "forbidden unless approved", which Cedar cannot
  // express: forbid always wins. Refuse it rather than let the author believe otherwise.
  if (effect === 'forbid') {
    throw new PolicyError('invalid-policy', `${named}: @approval applies to permit policies only`);
  }
  if (role === null || !rolePattern.test(role)) {
    throw new PolicyError(
      'invalid-policy',
      `${named}: @approval needs a role name, e.g. @approval("approver")`,
    );
  }
  if (quorum === null || (quorum !== undefined && !quorumPattern.test(quorum))) {
    throw new PolicyError(
      'invalid-policy',
      `${named}: @quorum must be a whole number from 1 to 999`,
    );
  }
  return { id, approval: { role, quorum: quorum === undefined ? 1 : Number(quorum) } };
}
