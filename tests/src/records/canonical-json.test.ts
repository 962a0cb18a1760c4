import fc from 'fast-check';
import { canonicalJson } from '../../../src/records/canonical-json';

/** Every object's non-index keys in sorted order, at every level of the parsed text. */
function keysSorted(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(keysSorted);
  if (value === null || typeof value !== 'object') return true;
  const keys = Object.keys(value).filter((k) => !/^(0|[1-9][0-9]*)$/.test(k) || Number(k) > 4294967294);
  return (
    keys.every((k, i) => i === 0 || (keys[i - 1] as string) < k) &&
    Object.values(value as Record<string, unknown>).every(keysSorted)
  );
}

/** Keys that exercise the ordering: array indices, near-indices, empty, escapes, non-BMP text. */
const key = fc.oneof(
  fc.string(),
  fc.constantFrom('0', '1', '2', '10', '01', '-1', '4294967294', '4294967295', '1e3', '', '__proto__'),
  fc.nat().map(String),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('产品', 'a"b', 'x\\y', '\u0000', '\uD800', '😀'),
);

const leaf = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(-0),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 1e21, 5e-324),
);

const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 8 }),
}));

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined }], c: '产品' } })).toBe(
      '{"a":{"c":"产品","d":[3,{"z":1}]},"b":1}',
    );
  });

  it('writes array-index keys first in numeric order, as an object enumerates them', () => {
    expect(canonicalJson({ b: 1, 10: 'ten', a: 2, 2: 'two', '01': 'not an index' })).toBe(
      '{"2":"two","10":"ten","01":"not an index","a":2,"b":1}',
    );
  });

  it('serializes an object by its own keys even when it has toJSON (a Date is {})', () => {
    expect(canonicalJson({ at: new Date(0), list: [undefined, () => 1] })).toBe(
      '{"at":{},"list":[null,null]}',
    );
  });

  it('gives undefined for undefined, as JSON.stringify does', () => {
    expect(canonicalJson(undefined)).toBeUndefined();
  });

  it('refuses a bigint like JSON.stringify', () => {
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });

  it('writes sorted keys, and its own output again unchanged, for any value', () => {
    fc.assert(
      fc.property(value, (input) => {
        const text = canonicalJson(input) as string | undefined;
        if (text === undefined) return;
        const parsed: unknown = JSON.parse(text);
        expect(keysSorted(parsed)).toBe(true);
        expect(canonicalJson(parsed)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('does not depend on the order in which members were added', () => {
    fc.assert(
      fc.property(fc.dictionary(key, leaf, { maxKeys: 8 }), (input) => {
        const reversed = Object.fromEntries(Object.entries(input).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(input));
      }),
    );
  });

  it('leaves out an own __proto__ member of parsed JSON', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":1}'))).toBe('{"a":1}');
  });
});
