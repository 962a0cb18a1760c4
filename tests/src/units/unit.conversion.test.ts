import fc from 'fast-check';
import { unit as globalMathjsUnit } from 'mathjs';

import { ValidationError } from '../../../src/errors/domain.error';
import {
  canonicalDecimal,
  convertValue,
  isUnitCode,
  parseUnit,
  toMassFraction,
  UNIT_CODES,
  unitDimension,
  unitSchema,
  unitsComparable,
  type UnitCode,
} from '../../../src/units/unit.conversion';

const MICRO_SIGN = '\u00b5';
const GREEK_MU = '\u03bc';

/**
 * Each unit as a power of ten of its dimension's base (kg/kg, or organisms per g), written out by hand
 * from the definitions of the units; the independent oracle the conversions are checked against.
 */
const DECADE: Readonly<Record<UnitCode, number>> = {
  'mg/kg': -6,
  'µg/kg': -9,
  'g/kg': -3,
  'g/100g': -2,
  '%': -2,
  'mg/L': -6,
  'µg/L': -9,
  'CFU/g': 0,
  'CFU/mL': 0,
  'MPN/g': 0,
  'MPN/100g': -2,
  'MPN/100mL': -2,
};

const MASS_FRACTIONS = UNIT_CODES.filter((u) => unitDimension(u) === 'mass-fraction');
const COUNTS = UNIT_CODES.filter((u) => unitDimension(u) === 'count');

/** The canonical string of `digits × 10^exponent`, built by moving the decimal point by hand. */
function shifted(negative: boolean, digits: bigint, exponent: number): string {
  if (digits === 0n) return '0';
  let mantissa = digits.toString();
  let e = exponent;
  while (mantissa.endsWith('0')) {
    mantissa = mantissa.slice(0, -1);
    e += 1;
  }
  let plain: string;
  if (e >= 0) {
    plain = mantissa + '0'.repeat(e);
  } else {
    const padded = mantissa.padStart(-e + 1, '0');
    plain = `${padded.slice(0, e)}.${padded.slice(e)}`;
  }
  return negative ? `-${plain}` : plain;
}

function errorOf(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error: unknown) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

/** Decimals with up to 12 significant digits and exponents from -15 to 15, as strings like "123e-7". */
const decimal12 = fc.record({
  negative: fc.boolean(),
  digits: fc.bigInt({ min: 0n, max: 999_999_999_999n }),
  exponent: fc.integer({ min: -15, max: 15 }),
});

describe('unit conversion', () => {
  it('converts 100 µg/kg to exactly 0.1 mg/kg', () => {
    expect(convertValue('100', 'µg/kg', 'mg/kg')).toBe('0.1');
  });

  it('converts 0.1 mg/kg back to exactly 100 µg/kg', () => {
    expect(convertValue('0.1', 'mg/kg', 'µg/kg')).toBe('100');
  });

  it('reads g/100g and % as the same ten-gram-per-kilogram step', () => {
    expect(convertValue('2.9', 'g/100g', 'g/kg')).toBe('29');
    expect(convertValue('1.5', '%', 'g/100g')).toBe('1.5');
    expect(convertValue('0.25', 'g/100g', 'mg/kg')).toBe('2500');
  });

  it('treats aqueous concentrations as per kilogram (density 1)', () => {
    expect(convertValue('0.05', 'mg/L', 'mg/kg')).toBe('0.05');
    expect(convertValue('500', 'µg/L', 'mg/kg')).toBe('0.5');
  });

  it('treats counts per mL as per g and CFU as comparable with MPN', () => {
    expect(convertValue('100', 'CFU/mL', 'CFU/g')).toBe('100');
    expect(convertValue('30', 'MPN/100mL', 'CFU/mL')).toBe('0.3');
    expect(convertValue('5', 'MPN/g', 'MPN/100g')).toBe('500');
    expect(unitsComparable('CFU/g', 'MPN/100mL')).toBe(true);
  });

  it('refuses to compare a count with a mass fraction', () => {
    const error = errorOf(() => convertValue('1', 'CFU/g', 'mg/kg'));
    expect(error.code).toBe('UNIT.INCOMPATIBLE');
    expect(error.message).toContain('CFU/g');
    expect(error.message).toContain('mg/kg');
    expect(unitsComparable('CFU/g', 'mg/kg')).toBe(false);
  });

  it('refuses a mass fraction of a count unit', () => {
    const error = errorOf(() => toMassFraction('10', 'MPN/100g'));
    expect(error.code).toBe('UNIT.INCOMPATIBLE');
    expect(error.message).toContain('MPN/100g');
  });

  it('accepts finite JSON numbers through their shortest string', () => {
    expect(convertValue(100, 'µg/kg', 'mg/kg')).toBe('0.1');
    expect(convertValue(1e-7, 'mg/kg', 'µg/kg')).toBe('0.0001');
    expect(convertValue(0.1 + 0.2, 'mg/kg', 'mg/kg')).toBe('0.30000000000000004');
  });

  it('returns the canonical string when the units are the same', () => {
    expect(convertValue('0.500', 'mg/kg', 'mg/kg')).toBe('0.5');
  });

  it('gives the dimensionless mass fraction of a value', () => {
    expect(toMassFraction('5', 'mg/kg')).toBe('0.000005');
    expect(toMassFraction('1', '%')).toBe('0.01');
    expect(toMassFraction('2.9', 'g/100g')).toBe('0.029');
    expect(toMassFraction('100', 'µg/L')).toBe('0.0000001');
    expect(toMassFraction('0', 'g/kg')).toBe('0');
  });

  it('converts every pair of same-dimension units by an exact power of ten', () => {
    for (const group of [MASS_FRACTIONS, COUNTS]) {
      for (const from of group) {
        for (const to of group) {
          expect(convertValue('1', from, to)).toBe(shifted(false, 1n, DECADE[from] - DECADE[to]));
        }
      }
    }
  });

  it('defines its count units on a private mathjs instance, leaving the global one untouched', () => {
    convertValue('1', 'CFU/mL', 'MPN/100g');
    expect(() => globalMathjsUnit('1 CFU')).toThrow();
    expect(() => globalMathjsUnit('1 Laq')).toThrow();
  });

  it('rejects an unknown unit code passed around the type system', () => {
    const error = errorOf(() => convertValue('1', 'ppm' as UnitCode, 'mg/kg'));
    expect(error.code).toBe('UNIT.UNKNOWN');
  });

  describe('properties', () => {
    it('is exact for decimals with up to 12 significant digits', () => {
      fc.assert(
        fc.property(
          decimal12,
          fc.constantFrom(MASS_FRACTIONS, COUNTS),
          fc.nat(),
          fc.nat(),
          (x, group, i, j) => {
            const from = group[i % group.length]!;
            const to = group[j % group.length]!;
            const input = `${x.negative ? '-' : ''}${x.digits}e${x.exponent}`;
            const expected = shifted(x.negative, x.digits, x.exponent + DECADE[from] - DECADE[to]);
            expect(convertValue(input, from, to)).toBe(expected);
          },
        ),
      );
    });

    it('round-trips mass fractions a → b → a to the canonical value', () => {
      fc.assert(
        fc.property(
          decimal12,
          fc.constantFrom(...MASS_FRACTIONS),
          fc.constantFrom(...MASS_FRACTIONS),
          (x, a, b) => {
            const input = `${x.negative ? '-' : ''}${x.digits}e${x.exponent}`;
            expect(convertValue(convertValue(input, a, b), b, a)).toBe(canonicalDecimal(input));
          },
        ),
      );
    });

    it('reads a finite number exactly as its shortest string', () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
          expect(convertValue(n, 'g/kg', 'mg/kg')).toBe(convertValue(String(n), 'g/kg', 'mg/kg'));
        }),
      );
    });
  });
});

describe('canonicalDecimal', () => {
  it.each([
    ['1.500', '1.5'],
    ['1.50E-2', '0.015'],
    ['-0', '0'],
    ['-0.000', '0'],
    ['+3', '3'],
    ['007', '7'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['1e21', '1000000000000000000000'],
    ['-12.340', '-12.34'],
  ])('spells %s as %s', (input, expected) => {
    expect(canonicalDecimal(input)).toBe(expected);
  });

  it.each(['0x10', 'NaN', 'Infinity', ' 1', '1 ', '1,5', '', '1e', '--1', '1.2.3'])('refuses %j', (input) => {
    expect(errorOf(() => canonicalDecimal(input)).code).toBe('VALUE.NOT_DECIMAL');
  });

  it('refuses non-finite numbers', () => {
    expect(errorOf(() => canonicalDecimal(Number.NaN)).code).toBe('VALUE.NOT_DECIMAL');
    expect(errorOf(() => canonicalDecimal(Number.POSITIVE_INFINITY)).code).toBe('VALUE.NOT_DECIMAL');
  });

  it('refuses values it could not convert exactly or would spell with a billion digits', () => {
    expect(errorOf(() => canonicalDecimal('1e999999999')).code).toBe('VALUE.OUT_OF_RANGE');
    expect(errorOf(() => canonicalDecimal('1'.repeat(65))).code).toBe('VALUE.OUT_OF_RANGE');
    expect(canonicalDecimal('1'.repeat(64))).toBe('1'.repeat(64));
    expect(canonicalDecimal('5e-324')).toBe(`0.${'0'.repeat(323)}5`);
  });

  it('never echoes a huge input back in full', () => {
    const error = errorOf(() => canonicalDecimal('x'.repeat(100_000)));
    expect(error.message.length).toBeLessThan(200);
  });
});

describe('unitSchema', () => {
  it.each(UNIT_CODES.map((code) => [code]))('accepts the canonical code %s', (code) => {
    expect(unitSchema.parse(code)).toBe(code);
  });

  it.each([
    ['ug/kg', `${MICRO_SIGN}g/kg`],
    [`${GREEK_MU}g/kg`, `${MICRO_SIGN}g/kg`],
    ['ug/L', `${MICRO_SIGN}g/L`],
    [`${GREEK_MU}g/L`, `${MICRO_SIGN}g/L`],
  ])('normalises %s to the micro sign form %s', (spelling, canonical) => {
    const parsed = unitSchema.parse(spelling);
    expect(parsed).toBe(canonical);
    expect(parsed.charCodeAt(0)).toBe(0xb5);
    expect(isUnitCode(parsed)).toBe(true);
  });

  it('rejects an unknown unit with a message listing the accepted units', () => {
    const result = unitSchema.safeParse('ppm');
    expect(result.success).toBe(false);
    const message = result.error?.issues[0]?.message ?? '';
    expect(message).toContain('"ppm"');
    for (const code of UNIT_CODES) expect(message).toContain(code);
  });

  it('rejects a unit that is not a string', () => {
    expect(unitSchema.safeParse(5).success).toBe(false);
    expect(unitSchema.safeParse(null).success).toBe(false);
  });

  it('parses a unit outside a schema or throws UNIT.UNKNOWN', () => {
    expect(parseUnit('ug/L')).toBe('µg/L');
    const error = errorOf(() => parseUnit('mg/l'));
    expect(error.code).toBe('UNIT.UNKNOWN');
    expect(error.message).toContain('mg/L');
  });
});

describe('unitDimension', () => {
  it.each([
    ['mg/kg', 'mass-fraction'],
    ['µg/kg', 'mass-fraction'],
    ['g/kg', 'mass-fraction'],
    ['g/100g', 'mass-fraction'],
    ['%', 'mass-fraction'],
    ['mg/L', 'mass-fraction'],
    ['µg/L', 'mass-fraction'],
    ['CFU/g', 'count'],
    ['CFU/mL', 'count'],
    ['MPN/g', 'count'],
    ['MPN/100g', 'count'],
    ['MPN/100mL', 'count'],
  ] as const)('classes %s as a %s', (unit, dimension) => {
    expect(unitDimension(unit)).toBe(dimension);
  });
});
