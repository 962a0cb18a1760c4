/**
 * Key order of Fabric's state database: LevelDB compares keys as UTF-8 bytes, which is Unicode
 * code point order. JavaScript compares UTF-16 code units, which puts U+E000–U+FFFF after the
 * supplementary planes; that would drop keys from a partial composite key range, whose end is
 * the prefix followed by U+10FFFF.
 */

const HIGH_SURROGATE_START = 0xd800;
const PRIVATE_USE_START = 0xe000;

/** Moves surrogate code units above U+E000–U+FFFF, which turns UTF-16 order into code point order. */
function codePointRank(codeUnit: number): number {
  if (codeUnit >= PRIVATE_USE_START) {
    return codeUnit - 0x800;
  }
  if (codeUnit >= HIGH_SURROGATE_START) {
    return codeUnit + 0x2000;
  }
  return codeUnit;
}

/**
 * Compares two keys the way Fabric's state database orders them (UTF-8 byte order).
 *
 * @returns a negative number, zero or a positive number, like `Array.prototype.sort` expects.
 * @example
 * ['\uE000', '\u{10FFFF}'].sort(compareKeys); // ['\uE000', '\u{10FFFF}']
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      return codePointRank(x) - codePointRank(y);
    }
  }
  return a.length - b.length;
}

// Code units at or above U+D800: only where both compared keys have one can UTF-16 order differ.
const BEYOND_BMP_ORDER = /[\uD800-\uFFFF]/;

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts `items` in place by their key in {@link compareKeys} order. When no key holds a surrogate
 * or a code unit of U+E000–U+FFFF (the usual case), UTF-16 order is that order, and the engine's
 * own string comparison does the work instead of a loop over the keys' shared prefixes.
 *
 * @returns `items`.
 */
export function sortByKey<T>(items: T[], keyOf: (item: T) => string): T[] {
  const byCodeUnits = items.every((item) => !BEYOND_BMP_ORDER.test(keyOf(item)));
  return items.sort(
    byCodeUnits ? (a, b) => compareCodeUnits(keyOf(a), keyOf(b)) : (a, b) => compareKeys(keyOf(a), keyOf(b)),
  );
}

/**
 * The smallest key that sorts after `key`, used to continue a scan after the last key seen or to
 * turn an inclusive end into an exclusive one.
 */
export function keyAfter(key: string): string {
  return `${key}\u0000`;
}

/**
 * Whether `key` lies in `[startKey, endKey)`; an empty `endKey` means unbounded, as in
 * `getStateByRange`.
 */
export function isKeyInRange(key: string, startKey: string, endKey: string): boolean {
  return compareKeys(key, startKey) >= 0 && (endKey === '' || compareKeys(key, endKey) < 0);
}
