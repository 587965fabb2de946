import { cedarWasm, describeCedarErrors } from './cedar.js';
import { PolicyError } from './errors.js';
import type { PolicySchema } from './schema.js';
import type { PolicyInfo } from './types.js';

/**
 * Validates a parsed policy set against the schema with Cedar's strict validator. Errors (an
 * unknown attribute, a type mismatch, an unknown action or entity type) refuse the whole set,
 * each named by file, line and @id with Cedar's own message; warnings (a policy that can never
 * apply, say) are returned for the operator to read.
 */
export function validateAgainstSchema(
  policies: readonly PolicyInfo[],
  schema: PolicySchema,
): string[] {
  const byId = new Map(policies.map((policy) => [policy.id, policy]));
  const answer = cedarWasm().validate({
    schema: schema.json as never,
    policies: {
      staticPolicies: Object.fromEntries(policies.map((policy) => [policy.id, policy.text])),
    },
    validationSettings: { mode: 'strict' },
  });
  if (answer.type === 'failure') {
    throw new PolicyError(
      'invalid-policy',
      `validation failed: ${describeCedarErrors(answer.errors)}`,
    );
  }
  const where = (id: string) => {
    const policy = byId.get(id);
    return policy === undefined ? `@id("${id}")` : `${policy.file}:${policy.line} @id("${id}")`;
  };
  if (answer.validationErrors.length > 0) {
    const lines = answer.validationErrors.map(
      (item) => `${where(item.policyId)}: ${describeCedarErrors([item.error])}`,
    );
    throw new PolicyError(
      'invalid-policy',
      `the policies do not fit the schema of the installed packs: ${lines.join('; ')}`,
      {
        details: { errors: lines },
      },
    );
  }
  return answer.validationWarnings.map(
    (item) => `${where(item.policyId)}: ${describeCedarErrors([item.error])}`,
  );
}
