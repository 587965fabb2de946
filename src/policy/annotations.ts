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
  /** Data classes this permit lets leave toward external destinations (`@allowData`). */
  allowData: string[] | undefined;
}

// The classes a policy may allow by name. Secrets are absent on purpose: no policy lets a
// credential leave (the data rules' floor), so naming one is an error, not a silent no-op.
const ALLOWABLE_DATA = ['email', 'phone', 'card', 'iban', 'us-ssn', 'uk-nino', 'ip-address'];

/** Reads `@allowData("email, phone")`: permits only, known classes only. */
function readAllowData(
  value: string | null | undefined,
  effect: 'permit' | 'forbid',
  named: string,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (effect === 'forbid') {
    throw new PolicyError('invalid-policy', `${named}: @allowData applies to permit policies only`);
  }
  const classes = (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  const unknown = classes.filter((item) => !ALLOWABLE_DATA.includes(item));
  if (classes.length === 0 || unknown.length > 0) {
    throw new PolicyError(
      'invalid-policy',
      `${named}: @allowData names data classes from ${ALLOWABLE_DATA.join(', ')}` +
        (unknown.length > 0 ? `; not ${unknown.join(', ')}` : ''),
    );
  }
  return [...new Set(classes)].sort();
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
  const allowData = readAllowData(annotations?.['allowData'], effect, named);
  const role = annotations?.['approval'];
  const quorum = annotations?.['quorum'];
  if (role === undefined) {
    if (quorum !== undefined) {
      throw new PolicyError('invalid-policy', `${named}: @quorum needs an @approval("role")`);
    }
    return { id, approval: undefined, allowData };
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
  return { id, approval: { role, quorum: quorum === undefined ? 1 : Number(quorum) }, allowData };
}
