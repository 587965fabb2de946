import { describe, expect, it } from 'vitest';
import { isPlainCedarValue, isPlainEntity } from './cedar-json-check.js';

const uid = { type: 'Castellan::User', id: 'ann' };

describe('isPlainCedarValue', () => {
  it('accepts what Cedar reads for certain', () => {
    expect(isPlainCedarValue({ a: [true, 'x', 3], b: { __entity: uid }, c: undefined })).toBe(true);
  });

  it('leaves to Cedar what it may refuse', () => {
    for (const value of [0.5, null, 2 ** 60, [undefined], { __extn: { fn: 'ip', arg: '::1' } }])
      expect(isPlainCedarValue(value)).toBe(false);
    expect(isPlainCedarValue({ __entity: { type: 'Castellan::if', id: 'x' } })).toBe(false);
    expect(isPlainCedarValue({ __entity: uid, extra: 1 })).toBe(false);
    expect(isPlainCedarValue(new Date(0))).toBe(false);
  });
});

describe('isPlainEntity', () => {
  it('accepts a well-formed entity and refuses odd attributes, parents or keys', () => {
    expect(isPlainEntity({ uid, attrs: { roles: ['a'] }, parents: [uid] })).toBe(true);
    expect(isPlainEntity({ uid, attrs: { ratio: 0.5 }, parents: [] })).toBe(false);
    expect(isPlainEntity({ uid, attrs: {}, parents: [{ type: 'bad type', id: 'x' }] })).toBe(false);
    expect(isPlainEntity({ uid, attrs: {}, parents: [], tags: {} } as never)).toBe(false);
  });
});
