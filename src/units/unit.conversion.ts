/**
 * Units of measurement for test results and exact decimal conversion between them.
 *
 * Mass fractions (`mg/kg`, `µg/kg`, `g/kg`, `g/100g`, `%`) and aqueous concentrations (`mg/L`, `µg/L`,
 * taken at density 1, so per kg) form one dimension; counts of organisms (`CFU/…`, `MPN/…`, per mL taken
 * as per g) form the other. Conversions go through mathjs units with BigNumber arithmetic, so that
 * 100 µg/kg is exactly 0.1 mg/kg on every endorsing peer (DESIGN.md §3, §4).
 */
import { all, create } from 'mathjs';
import type { BigNumber, MathJsInstance } from 'mathjs';
import { z } from 'zod';

import { ValidationError } from '../errors/domain.error';

/** The unit codes a result or a limit may carry, in their canonical spelling (micro sign U+00B5). */
export const UNIT_CODES = [
  'mg/kg',
  'µg/kg',
  'g/kg',
  'g/100g',
  '%',
  'mg/L',
  'µg/L',
  'CFU/g',
  'CFU/mL',
  'MPN/g',
  'MPN/100g',
  'MPN/100mL',
] as const;

/** A canonical unit code. */
export type UnitCode = (typeof UNIT_CODES)[number];

/**
 * What a unit measures. Only units of the same dimension can be compared: a count of organisms
 * and a mass fraction never can.
 */
export type UnitDimension = 'mass-fraction' | 'count';

/** A decimal value as it arrives in JSON: a string, or a finite number. */
export type DecimalInput = string | number;

// Lab systems write micro as ASCII "u" or as the Greek letter mu (U+03BC); both mean the micro sign.
const UNIT_SPELLINGS = [...UNIT_CODES, 'ug/kg', '\u03bcg/kg', 'ug/L', '\u03bcg/L'] as const;
type UnitSpelling = (typeof UNIT_SPELLINGS)[number];

const ALIASES: Readonly<Record<Exclude<UnitSpelling, UnitCode>, UnitCode>> = {
  'ug/kg': 'µg/kg',
  '\u03bcg/kg': 'µg/kg',
  'ug/L': 'µg/L',
  '\u03bcg/L': 'µg/L',
};

const DIMENSIONS: Readonly<Record<UnitCode, UnitDimension>> = {
  'mg/kg': 'mass-fraction',
  'µg/kg': 'mass-fraction',
  'g/kg': 'mass-fraction',
  'g/100g': 'mass-fraction',
  '%': 'mass-fraction',
  'mg/L': 'mass-fraction',
  'µg/L': 'mass-fraction',
  'CFU/g': 'count',
  'CFU/mL': 'count',
  'MPN/g': 'count',
  'MPN/100g': 'count',
  'MPN/100mL': 'count',
};

// `hg` (100 g) and `dLaq` (100 mL of an aqueous sample) stand for the "per 100" units, because a
// mathjs unit expression cannot carry a number.
const MATHJS_UNITS: Readonly<Record<UnitCode, string>> = {
  'mg/kg': 'mg/kg',
  'µg/kg': 'ug/kg',
  'g/kg': 'g/kg',
  'g/100g': 'g/hg',
  '%': 'percent',
  'mg/L': 'mg/Laq',
  'µg/L': 'ug/Laq',
  'CFU/g': 'CFU/g',
  'CFU/mL': 'CFU/mLaq',
  'MPN/g': 'MPN/g',
  'MPN/100g': 'MPN/hg',
  'MPN/100mL': 'MPN/dLaq',
};

// The working precision. A value with more significant digits could not be converted exactly, so it is
// refused rather than silently rounded.
const PRECISION = 64;
// No measurement spans this many orders of magnitude; the bound keeps "1e999999999" from expanding
// into a billion digits, while every finite JSON number (down to 5e-324) still fits.
const MAX_EXPONENT = 400;
const DECIMAL_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const ACCEPTED_LIST = `${UNIT_CODES.join(', ')} (ug/ and \u03bcg/ are accepted for µg/)`;

/** Whether a value is one of the canonical unit codes. */
export function isUnitCode(value: unknown): value is UnitCode {
  return typeof value === 'string' && (UNIT_CODES as readonly string[]).includes(value);
}

/**
 * The zod schema of a unit field: accepts the canonical codes and the ASCII/Greek-mu spellings of
 * micro, and yields the canonical code.
 *
 * @example unitSchema.parse('ug/kg') // 'µg/kg'
 */
export const unitSchema = z
  .enum(UNIT_SPELLINGS, { error: (issue) => unknownUnitMessage(issue.input) })
  .transform((spelling): UnitCode => canonicalSpelling(spelling));

/**
 * Parses a unit outside a zod object (chaincode arguments, query strings).
 *
 * @throws ValidationError `UNIT.UNKNOWN` naming the accepted units.
 */
export function parseUnit(raw: unknown): UnitCode {
  const parsed = unitSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError('UNIT.UNKNOWN', unknownUnitMessage(raw));
  }
  return parsed.data;
}

/** The dimension of a unit: `mass-fraction` or `count` (CFU and MPN are both counts of organisms). */
export function unitDimension(unit: UnitCode): UnitDimension {
  return DIMENSIONS[requireUnit(unit)];
}

/** Whether values in these two units can be converted into each other and compared. */
export function unitsComparable(a: UnitCode, b: UnitCode): boolean {
  return unitDimension(a) === unitDimension(b);
}

/**
 * The canonical spelling of a decimal: plain notation, no exponent, no leading `+`, no trailing zeros,
 * `0` for any zero. Equal values have equal canonical strings, so they can be stored, hashed and
 * compared as bytes.
 *
 * @example canonicalDecimal('1.50E-2') // '0.015'
 * @throws ValidationError `VALUE.NOT_DECIMAL` for anything but a finite decimal (no hex, no NaN, no
 *   blanks); `VALUE.OUT_OF_RANGE` beyond 64 significant digits or an exponent of ±400.
 */
export function canonicalDecimal(value: DecimalInput): string {
  return toCanonical(parseDecimal(value));
}

/**
 * Converts a value between two units of the same dimension, exactly.
 *
 * @example convertValue('100', 'µg/kg', 'mg/kg') // '0.1'
 * @returns the canonical decimal string of the converted value.
 * @throws ValidationError `UNIT.INCOMPATIBLE` when one unit is a count and the other a mass fraction;
 *   `UNIT.UNKNOWN`, `VALUE.NOT_DECIMAL`, `VALUE.OUT_OF_RANGE` for bad input.
 */
export function convertValue(value: DecimalInput, from: UnitCode, to: UnitCode): string {
  const decimal = parseDecimal(value);
  if (from === to) {
    requireUnit(from);
    return toCanonical(decimal);
  }
  return toCanonical(decimal.times(conversionFactor(from, to)));
}

/**
 * The dimensionless mass fraction of a value (1 mg/kg is 0.000001, 1 % is 0.01), the scale on which
 * the Horwitz function is evaluated.
 *
 * @example toMassFraction('5', 'mg/kg') // '0.000005'
 * @throws ValidationError `UNIT.INCOMPATIBLE` for count units, which have no mass fraction.
 */
export function toMassFraction(value: DecimalInput, unit: UnitCode): string {
  const decimal = parseDecimal(value);
  return toCanonical(decimal.times(massFractionFactor(unit)));
}

// Built on first use so that importing the catalogue costs nothing; private so that the global mathjs
// instance never sees these units.
let engine: MathJsInstance | undefined;

function mathEngine(): MathJsInstance {
  if (engine === undefined) {
    // mathjs types its factory maps as an index lookup, so `all` is possibly undefined to the compiler.
    if (all === undefined) {
      throw new TypeError('mathjs exports no "all" factory map');
    }
    const math = create(all, { number: 'BigNumber', precision: PRECISION });
    // A new base dimension: colony-forming units and most-probable-number estimates both count
    // organisms, so they compare one to one.
    math.createUnit('CFU');
    math.createUnit('MPN', '1 CFU');
    // A litre of an aqueous sample, weighed at density 1 (DESIGN.md §3): mg/L reads as mg/kg and a
    // count per mL as a count per g. Prefixes give mLaq and dLaq (100 mL).
    math.createUnit('Laq', { definition: '1 kg', prefixes: 'short' });
    // mathjs has no percent unit; a percentage by mass is ten grams per kilogram.
    math.createUnit('percent', '10 g/kg');
    engine = math;
  }
  return engine;
}

// Matching converts millions of values: mathjs parses and converts once per pair of units, the rest is
// one BigNumber multiplication by the cached (exact, power-of-ten) factor.
const factors = new Map<string, BigNumber>();

function conversionFactor(from: UnitCode, to: UnitCode): BigNumber {
  const key = `${from}>${to}`;
  const cached = factors.get(key);
  if (cached !== undefined) {
    return cached;
  }
  if (unitDimension(from) !== unitDimension(to)) {
    throw new ValidationError(
      'UNIT.INCOMPATIBLE',
      `cannot convert ${from} to ${to}: ${from} is ${describe(from)} and ${to} is ${describe(to)}`,
    );
  }
  const factor = mathjsFactor(MATHJS_UNITS[from], MATHJS_UNITS[to]);
  factors.set(key, factor);
  return factor;
}

function massFractionFactor(unit: UnitCode): BigNumber {
  const key = `${unit}>kg/kg`;
  const cached = factors.get(key);
  if (cached !== undefined) {
    return cached;
  }
  if (unitDimension(unit) !== 'mass-fraction') {
    throw new ValidationError(
      'UNIT.INCOMPATIBLE',
      `${unit} is ${describe(unit)} and has no mass fraction; only mass-fraction units do`,
    );
  }
  const factor = mathjsFactor(MATHJS_UNITS[unit], 'kg/kg');
  factors.set(key, factor);
  return factor;
}

function mathjsFactor(from: string, to: string): BigNumber {
  const math = mathEngine();
  const factor = math.unit(math.bignumber(1), from).toNumeric(to);
  if (!math.isBigNumber(factor)) {
    // Unreachable while the instance is configured for BigNumber; a number here would bring float noise.
    throw new TypeError(`mathjs returned a non-BigNumber factor for ${from} -> ${to}`);
  }
  return factor;
}

function parseDecimal(value: DecimalInput): BigNumber {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL_PATTERN.test(text)) {
    throw new ValidationError('VALUE.NOT_DECIMAL', `${shown(value)} is not a finite decimal number`);
  }
  const decimal = mathEngine().bignumber(text);
  if (!decimal.isZero() && (decimal.sd() > PRECISION || Math.abs(decimal.e) > MAX_EXPONENT)) {
    throw new ValidationError(
      'VALUE.OUT_OF_RANGE',
      `${shown(value)} has more than ${PRECISION} significant digits or an exponent beyond ±${MAX_EXPONENT}`,
    );
  }
  return decimal;
}

function toCanonical(decimal: BigNumber): string {
  // decimal.js keeps the sign of zero; every zero is spelled "0" so that equal values are equal bytes.
  return decimal.isZero() ? '0' : decimal.toFixed();
}

function requireUnit(unit: UnitCode): UnitCode {
  // The type says UnitCode, but values from JSON reach here unchecked in plain JavaScript callers.
  if (!isUnitCode(unit)) {
    throw new ValidationError('UNIT.UNKNOWN', unknownUnitMessage(unit));
  }
  return unit;
}

function canonicalSpelling(spelling: UnitSpelling): UnitCode {
  return isUnitCode(spelling) ? spelling : ALIASES[spelling];
}

function describe(unit: UnitCode): string {
  return DIMENSIONS[unit] === 'count' ? 'a count of organisms' : 'a mass fraction';
}

function unknownUnitMessage(raw: unknown): string {
  return `unit ${shown(raw)} is not accepted; use one of: ${ACCEPTED_LIST}`;
}

function shown(raw: unknown): string {
  if (typeof raw === 'number') {
    return String(raw);
  }
  if (typeof raw !== 'string') {
    return `a value of type ${typeof raw}`;
  }
  // Quote what was sent, but never echo a megabyte back into a message.
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
}
