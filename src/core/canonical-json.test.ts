import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units, at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    // U+20AC (€) sorts after U+000D and before the surrogate pair of U+1F600 in UTF-16 order.
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '\u0080': 4 })).toBe(
      '{"\\r":2,"\u0080":4,"\u20ac":1,"\ud83d\ude00":3}',
    );
  });

  it('orders index-like keys as strings, not as JavaScript enumerates them', () => {
    // Object.keys lists integer-like keys first, in numeric order: JCS wants "10" before "2".
    expect(canonicalJson({ a: 3, 2: 2, 10: 1 })).toBe('{"10":1,"2":2,"a":3}');
    // Keys already in order, and the same keys again (their quoted forms are kept), agree too.
    expect(canonicalJson({ a: 1, b: { a: 2, b: 3 } })).toBe('{"a":1,"b":{"a":2,"b":3}}');
    expect(canonicalJson({ b: { b: 3, a: 2 }, a: 1 })).toBe('{"a":1,"b":{"a":2,"b":3}}');
    const long = 'k'.repeat(100);
    expect(canonicalJson({ [long]: '"' })).toBe(`{"${long}":"\\""}`);
  });

  it('agrees with a plain reference on random objects, short and long', () => {
    // The reference: JSON.stringify over copies whose keys were sorted by the default sort.
    const reference = (value: unknown): string => {
      if (value === null || typeof value !== 'object') return JSON.stringify(value);
      if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${reference(record[key])}`);
      return `{${members.join(',')}}`;
    };
    const alphabet = ['a', 'B', 'z', '0', '9', '\u00e9', '\u20ac', '\ud83d\ude00', '_', '10'];
    let seed = 7;
    const random = (limit: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % limit;
    };
    const randomKey = () =>
      Array.from({ length: 1 + random(4) }, () => alphabet[random(alphabet.length)]).join('');
    const randomValue = (depth: number): unknown => {
      const kind = random(depth > 2 ? 3 : 5);
      if (kind === 0) return random(1000) - 500;
      if (kind === 1) return randomKey();
      if (kind === 2) return random(2) === 0;
      if (kind === 3) return Array.from({ length: random(4) }, () => randomValue(depth + 1));
      const object: Record<string, unknown> = {};
      const size = random(3) === 0 ? 33 + random(20) : random(12);
      for (let index = 0; index < size; index += 1) object[randomKey()] = randomValue(depth + 1);
      return object;
    };
    for (let round = 0; round < 300; round += 1) {
      const value = randomValue(0);
      expect(canonicalJson(value)).toBe(reference(value));
    }
  });

  it('writes numbers in their shortest round-trip form, as RFC 8785 appendix B does', () => {
    expect(canonicalJson([1e21, 1e-7, 333333333.3333333, -0, 4.5, 2 ** 53])).toBe(
      '[1e+21,1e-7,333333333.3333333,0,4.5,9007199254740992]',
    );
  });

  it('escapes strings as JSON does and leaves non-ASCII as is', () => {
    expect(canonicalJson('\u0000\n"\\é')).toBe('"\\u0000\\n\\"\\\\é"');
  });

  it('drops undefined members and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/NaN/);
    expect(() => canonicalJson({ big: 1n })).toThrow(/bigint/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/cycle/);
  });

  it('gives the same text for the same value however it was built', () => {
    const left = JSON.parse('{"x":1,"y":[true,false],"z":"s"}');
    const right = { z: 's', y: [true, false], x: 1 };
    expect(canonicalJson(left)).toBe(canonicalJson(right));
  });
});
