import { describe, expect, it } from 'vitest';
import { isPresent, lookup, resolveReferences } from './references.js';

const scope = {
  input: { service: 'web' },
  steps: {
    status: { output: { firstUnhealthy: 'payments', services: [{ name: 'web' }], none: null } },
  },
};

describe('playbook references', () => {
  it('replaces a whole-string reference with the value, keeping its type', () => {
    expect(
      resolveReferences(
        {
          service: '${steps.status.output.firstUnhealthy}',
          list: '${steps.status.output.services}',
        },
        scope,
      ),
    ).toEqual({
      service: 'payments',
      list: [{ name: 'web' }],
    });
  });
  it('interpolates references inside text', () => {
    expect(resolveReferences('restart ${input.service} now', scope)).toBe('restart web now');
  });
  it('gives undefined for a path that does not exist, and never walks the prototype', () => {
    expect(lookup(scope, 'steps.nope.output')).toBeUndefined();
    expect(lookup(scope, 'input.constructor')).toBeUndefined();
    expect(lookup(scope, 'input.__proto__')).toBeUndefined();
  });
  it('treats null, empty and missing as absent for `when`', () => {
    expect(isPresent(lookup(scope, 'steps.status.output.none'))).toBe(false);
    expect(isPresent([])).toBe(false);
    expect(isPresent('')).toBe(false);
    expect(isPresent('payments')).toBe(true);
  });
});
