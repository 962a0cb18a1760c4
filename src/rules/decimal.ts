import { bignumberDependencies, create, type BigNumber } from 'mathjs';

/**
 * Decimal arithmetic for every figure that decides a verdict or a severity. mathjs BigNumber
 * (decimal.js underneath) computes square roots, powers and logarithms digit for digit the
 * same on every machine, where binary floats can differ in the last place between runtimes.
 */
// Only the BigNumber factory is needed: sqrt, pow and log are methods of the numbers themselves.
// mathjs types its factory maps as an index lookup, so the compiler sees a possible undefined.
if (bignumberDependencies === undefined) throw new TypeError('mathjs exports no bignumber factory');
const math = create({ bignumberDependencies }, { number: 'BigNumber', precision: 64 });

/** Decisions compare figures rounded to this many decimal places, removing float-like noise. */
export const DECISION_PLACES = 12;

/** A BigNumber from a decimal string or a finite JS number (read through its shortest string). */
export function dec(x: string | number): BigNumber {
  return math.bignumber(typeof x === 'number' ? String(x) : x);
}

/** The figure rounded half-up to {@link DECISION_PLACES} places: what thresholds are compared with. */
export function forDecision(x: BigNumber): BigNumber {
  return x.toDecimalPlaces(DECISION_PLACES, 4 /* ROUND_HALF_UP */);
}

/** A JSON number of `x` rounded half-up to `places` decimals, for reporting a metric. */
export function toReportedNumber(x: BigNumber, places = 4): number {
  const rounded = x.toDecimalPlaces(places, 4);
  return rounded.isZero() ? 0 : Number(rounded.toFixed(places));
}

/** The canonical decimal string (no exponent, no trailing zeros) of `x`. */
export function toDecimalString(x: BigNumber): string {
  const fixed = x.toFixed();
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

export type { BigNumber };
