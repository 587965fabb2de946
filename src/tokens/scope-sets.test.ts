import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  intersectScopes,
  meetScope,
  neededScopes,
  patternsAllow,
  restrictToPatterns,
  subsumes,
} from './scope-sets.js';
import { scopeCovers } from './scopes.js';

describe('meetScope', () => {
  it.each([
    ['a:b.c', 'a:b.c', 'a:b.c'],
    ['a:b.c', 'a:b.c:*', 'a:b.c:*'],
    ['a:b.c', 'a:b.c:x', 'a:b.c:x'],
    ['a:b.c:*', 'a:b.c:x', 'a:b.c:x'],
    ['a:b.c:x', 'a:b.c:*', 'a:b.c:x'],
    ['a:b.c:x', 'a:b.c:y', undefined],
    ['a:b.c', 'a:b.d', undefined],
    ['a:b.c', 'z:b.c', undefined],
    ['a:b.c', 'not a scope', undefined],
    ['A:b.c', 'A:b.c', undefined],
  ])('meets %s and %s as %s', (left, right, expected) => {
    expect(meetScope(left, right)).toBe(expected);
    expect(meetScope(right, left)).toBe(expected);
  });
});

describe('intersectScopes', () => {
  it('keeps the narrower side of every overlapping pair and drops redundant entries', () => {
    expect(
      intersectScopes(
        ['itops:service.restart', 'itops:fleet.read', 'finance:ledger.post'],
        ['itops:service.restart:*', 'itops:service.restart:web-1', 'itops:fleet.read'],
      ),
    ).toEqual(['itops:fleet.read', 'itops:service.restart:*']);
  });

  it('gives nothing when one side is empty', () => {
    expect(intersectScopes([], ['a:b.c'])).toEqual([]);
    expect(intersectScopes(['a:b.c'], [])).toEqual([]);
  });

  const name = fc.constantFrom('a', 'b');
  const binding = fc.option(fc.constantFrom('*', 'x', 'y'), { nil: undefined });
  const scope = fc
    .tuple(name, name, name, binding)
    .map(([d, r, v, b]) => `${d}:${r}.${v}${b === undefined ? '' : `:${b}`}`);

  it('never gives a scope that either side does not allow', () => {
    fc.assert(
      fc.property(fc.array(scope, { maxLength: 6 }), fc.array(scope, { maxLength: 6 }), (l, r) => {
        for (const result of intersectScopes(l, r)) {
          expect(l.some((item) => subsumes(item, result))).toBe(true);
          expect(r.some((item) => subsumes(item, result))).toBe(true);
        }
      }),
    );
  });

  it('keeps every concrete scope both sides cover', () => {
    fc.assert(
      fc.property(
        fc.array(scope, { maxLength: 6 }),
        fc.array(scope, { maxLength: 6 }),
        fc.tuple(name, name, name, fc.constantFrom('x', 'y')),
        (l, r, [d, re, v, b]) => {
          const concrete = `${d}:${re}.${v}:${b}`;
          const both =
            l.some((item) => scopeCovers(item, concrete)) &&
            r.some((item) => scopeCovers(item, concrete));
          const kept = intersectScopes(l, r).some((item) => scopeCovers(item, concrete));
          expect(kept).toBe(both);
        },
      ),
    );
  });
});

describe('neededScopes', () => {
  it('turns placeholders into any named binding and keeps literal ones', () => {
    expect(
      neededScopes([
        'itops:service.restart:{service}',
        'itops:fleet.read',
        'itops:logs.read:payments',
        'itops:logs.read:{service}',
        'broken',
      ]),
    ).toEqual(['itops:fleet.read', 'itops:logs.read:*', 'itops:service.restart:*']);
  });
});

describe('restrictToPatterns', () => {
  const scopes = ['itops:fleet.read', 'itops:service.restart:*', 'finance:ledger.post:*'];

  it('allows everything with *, a domain with <domain>:*, and meets scope patterns', () => {
    expect(restrictToPatterns(scopes, ['*'])).toEqual([...scopes].sort());
    expect(restrictToPatterns(scopes, ['itops:*'])).toEqual([
      'itops:fleet.read',
      'itops:service.restart:*',
    ]);
    expect(restrictToPatterns(scopes, ['itops:service.restart:web-1'])).toEqual([
      'itops:service.restart:web-1',
    ]);
    expect(restrictToPatterns(scopes, [])).toEqual([]);
  });

  it('answers whether patterns allow one scope', () => {
    expect(patternsAllow(['itops:*'], 'itops:service.restart:web-1')).toBe(true);
    expect(patternsAllow(['itops:service.restart:web-2'], 'itops:service.restart:web-1')).toBe(
      false,
    );
    expect(patternsAllow(['itops:service.restart'], 'itops:service.restart:web-1')).toBe(true);
    expect(patternsAllow([], 'itops:service.restart:web-1')).toBe(false);
  });
});
