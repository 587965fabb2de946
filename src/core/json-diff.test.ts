import { describe, expect, it } from 'vitest';
import { jsonDiff, jsonEqual, pickPaths } from './json-diff.js';

describe('jsonDiff', () => {
  it('names each added, removed and replaced key by its dotted path', () => {
    expect(
      jsonDiff(
        { poolSize: 8, db: { host: 'a', port: 5432 }, legacy: true },
        { poolSize: 16, db: { host: 'a', port: 6432 }, currency: 'EUR' },
      ),
    ).toEqual([
      { path: 'currency', op: 'add', to: 'EUR' },
      { path: 'db.port', op: 'replace', from: 5432, to: 6432 },
      { path: 'legacy', op: 'remove', from: true },
      { path: 'poolSize', op: 'replace', from: 8, to: 16 },
    ]);
  });
  it('compares arrays whole and ignores key order inside them', () => {
    expect(jsonDiff({ list: [{ a: 1, b: 2 }] }, { list: [{ b: 2, a: 1 }] })).toEqual([]);
    expect(jsonDiff([1, 2], [2, 1])).toEqual([
      { path: '', op: 'replace', from: [1, 2], to: [2, 1] },
    ]);
    expect(jsonEqual({ a: { b: [1] } }, { a: { b: [1] } })).toBe(true);
  });
  it('stops at 200 changes', () => {
    const wide = Object.fromEntries(
      Array.from({ length: 500 }, (_, index) => [`k${index}`, index]),
    );
    expect(jsonDiff({}, wide)).toHaveLength(200);
  });
});

describe('pickPaths', () => {
  it('keeps only the named parts, missing ones as null, and everything without paths', () => {
    const state = { service: 'web', pid: 12, config: { poolSize: 8 }, health: { healthy: true } };
    expect(pickPaths(state, ['config', 'health.healthy', 'nope.deeper'])).toEqual({
      config: { poolSize: 8 },
      'health.healthy': true,
      'nope.deeper': null,
    });
    expect(pickPaths(state, undefined)).toBe(state);
  });
});
