import fc from 'fast-check';

import { compareKeys, sortByKey } from '../../../../gateway/ledger/embedded/key.order';

/** Keys from the characters where UTF-16 and code point order part ways, and the usual ones. */
const key = fc
  .array(
    fc.constantFrom('a', 'b', '\u0000', '~', '产', '品', '\uE000', '\uFFFF', '\u{10000}', '\u{10FFFF}', '😀'),
    {
      maxLength: 6,
    },
  )
  .map((parts) => parts.join(''));

function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

describe('key order', () => {
  it('compares keys as their UTF-8 bytes compare (LevelDB order)', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(utf8Order(a, b));
      }),
    );
  });

  it('sorts by key in that order, with or without characters beyond U+D7FF', () => {
    const plain = fc.array(
      fc.string({ maxLength: 8 }).map((s) => s.replace(/[\uD800-\uFFFF]/g, '')),
      {
        maxLength: 30,
      },
    );
    fc.assert(
      fc.property(fc.oneof(fc.array(key, { maxLength: 30 }), plain), (keys) => {
        const items = keys.map((k, i) => ({ key: k, i }));
        const sorted = sortByKey([...items], (item) => item.key).map((item) => item.key);
        expect(sorted).toEqual([...keys].sort(utf8Order));
      }),
    );
  });

  it('puts U+E000 before a supplementary-plane key, which UTF-16 order would not', () => {
    const keys = ['\u{10FFFF}', 'z', '\uE000'];
    expect(sortByKey(keys, (k) => k)).toEqual(['z', '\uE000', '\u{10FFFF}']);
  });
});
