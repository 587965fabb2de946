import { describe, expect, it } from 'vitest';
import { isGrantableScope, missingScopes, parseScope, scopeCovers } from './scopes.js';

describe('scopeCovers', () => {
  it.each([
    // [granted, required, covers]
    ['itops:service.restart', 'itops:service.restart', true],
    ['itops:service.restart', 'itops:service.restart:web-1', true],
    ['itops:service.restart:web-1', 'itops:service.restart:web-1', true],
    ['itops:service.restart:web-1', 'itops:service.restart:web-2', false],
    ['itops:service.restart:web-1', 'itops:service.restart', false],
    ['itops:service.restart:*', 'itops:service.restart:web-1', true],
    ['itops:service.restart:*', 'itops:service.restart:42', true],
    ['itops:service.restart:*', 'itops:service.restart', false],
    ['itops:service.restart', 'itops:service.stop', false],
    ['itops:service.restart', 'itops:host.restart', false],
    ['itops:service.restart', 'finance:service.restart', false],
    ['itops:service.restart:web-1', 'itops:service.restart:web-10', false],
    ['itops:service.restart:WEB-1', 'itops:service.restart:web-1', false],
    // wildcards anywhere but a grant's binding are malformed and cover nothing
    ['itops:*', 'itops:service.restart', false],
    ['*', 'itops:service.restart', false],
    ['itops:service.*', 'itops:service.restart', false],
    ['itops:*.restart', 'itops:service.restart', false],
    ['*:service.restart', 'itops:service.restart', false],
    ['itops:service.restart:web-*', 'itops:service.restart:web-1', false],
    // a required scope with a wildcard binding is malformed
    ['itops:service.restart', 'itops:service.restart:*', false],
    ['itops:service.restart:*', 'itops:service.restart:*', false],
    // other malformed grants and requirements
    ['', '', false],
    ['itops:service', 'itops:service', false],
    ['itops:service.restart:', 'itops:service.restart:web-1', false],
    ['itops:service.restart:a:b', 'itops:service.restart:a:b', false],
    ['ITOPS:service.restart', 'ITOPS:service.restart', false],
    ['itops:service.restart ', 'itops:service.restart', false],
    ['itops:service.restart:..', 'itops:service.restart:..', false],
    ['itops:service.restart:../x', 'itops:service.restart:../x', false],
    [`itops:service.restart:${'a'.repeat(121)}`, `itops:service.restart:${'a'.repeat(121)}`, false],
    ['itops:service.restart', 'itops:service.restart:a b', false],
  ])('grant %j covering %j is %s', (granted, required, covers) => {
    expect(scopeCovers(granted, required)).toBe(covers);
  });

  it('is false for values that are not strings', () => {
    expect(scopeCovers(undefined as unknown as string, 'a:b.c')).toBe(false);
  });
});

describe('parseScope', () => {
  it('splits a bound scope', () => {
    expect(parseScope('finance:ledger.post:acct_7')).toEqual({
      domain: 'finance',
      resource: 'ledger',
      verb: 'post',
      binding: 'acct_7',
    });
  });

  it('leaves the binding out of an unbound scope', () => {
    expect(parseScope('itops:service.read')).toEqual({
      domain: 'itops',
      resource: 'service',
      verb: 'read',
    });
  });

  it('refuses overlong scopes', () => {
    expect(parseScope(`a:b.c:${'x'.repeat(120)}${'y'.repeat(200)}`)).toBeUndefined();
    expect(isGrantableScope(`${'a'.repeat(63)}:${'b'.repeat(63)}.${'c'.repeat(63)}:z`)).toBe(true);
  });
});

describe('missingScopes', () => {
  it('lists each uncovered requirement once, in order', () => {
    const granted = ['itops:service.restart:web-1', 'itops:service.read', 'bad scope'];
    const required = [
      'itops:service.read:web-2',
      'itops:service.restart:web-2',
      'finance:ledger.post',
      'itops:service.restart:web-2',
      'itops:service.restart:web-1',
    ];
    expect(missingScopes(granted, required)).toEqual([
      'itops:service.restart:web-2',
      'finance:ledger.post',
    ]);
  });

  it('finds nothing missing when nothing is required, and everything when nothing is granted', () => {
    expect(missingScopes([], [])).toEqual([]);
    expect(missingScopes([], ['a:b.c'])).toEqual(['a:b.c']);
  });
});
