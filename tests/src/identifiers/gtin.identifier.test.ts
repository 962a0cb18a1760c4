import fc from 'fast-check';
import {
  gtinCheckDigit,
  gtinSchema,
  isValidGtin,
  normaliseGtin,
} from '../../../src/identifiers/gtin.identifier';

/** Examples printed in GS1 material and on real packs; their check digits were not computed here. */
const KNOWN = [
  { kind: 'GTIN-8 (EAN-8)', gtin: '96385074', gtin14: '00000096385074' },
  { kind: 'GTIN-12 (UPC-A)', gtin: '036000291452', gtin14: '00036000291452' },
  { kind: 'GTIN-13 (EAN-13)', gtin: '4006381333931', gtin14: '04006381333931' },
  { kind: 'GTIN-13 (EAN-13, China prefix 690)', gtin: '6901234567892', gtin14: '06901234567892' },
  { kind: 'GTIN-14', gtin: '10012345678902', gtin14: '10012345678902' },
];

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const gtinLength = fc.constantFrom(8, 12, 13, 14);
const validGtin = gtinLength.chain((length) =>
  fc
    .array(digit, { minLength: length - 1, maxLength: length - 1 })
    .map((digits) => digits.join(''))
    .map((body) => body + gtinCheckDigit(body)),
);

function messagesOf(input: unknown): string[] {
  const result = gtinSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('GTIN', () => {
  it.each(KNOWN)('accepts the $kind $gtin and stores it as 14 digits', ({ gtin, gtin14 }) => {
    expect(isValidGtin(gtin)).toBe(true);
    expect(gtinSchema.parse(gtin)).toBe(gtin14);
  });

  it.each(KNOWN)('refuses $gtin with its check digit changed, naming the mod 10 rule', ({ gtin }) => {
    const last = Number(gtin.slice(-1));
    const wrong = gtin.slice(0, -1) + String((last + 1) % 10);
    expect(isValidGtin(wrong)).toBe(false);
    expect(messagesOf(wrong)).toEqual(['check digit does not match (GS1 mod 10)']);
  });

  it('computes the check digit of the documented example', () => {
    expect(gtinCheckDigit('690123456789')).toBe('2');
  });

  it('accepts the same product in any of its lengths as one 14-digit GTIN', () => {
    expect(gtinSchema.parse('4006381333931')).toBe(gtinSchema.parse('04006381333931'));
    expect(gtinSchema.parse('96385074')).toBe(gtinSchema.parse('000096385074'));
  });

  it('trims surrounding white space', () => {
    expect(gtinSchema.parse(' 4006381333931 ')).toBe('04006381333931');
  });

  it.each([
    ['9 digits', '963850745'],
    ['10 digits', '0096385074'],
    ['11 digits', '00096385074'],
    ['15 digits', '004006381333931'],
    ['7 digits', '9638507'],
    ['letters', '400638133393A'],
    ['a sign', '+96385074'],
    ['an empty string', ''],
  ])('refuses %s with the length message only', (_label, input) => {
    expect(messagesOf(input)).toEqual(['must be a GTIN of 8, 12, 13 or 14 digits']);
  });

  it('refuses a number instead of a string', () => {
    expect(gtinSchema.safeParse(4006381333931).success).toBe(false);
  });

  it('pads to 14 digits without changing a GTIN-14', () => {
    expect(normaliseGtin('96385074')).toBe('00000096385074');
    expect(normaliseGtin('10012345678902')).toBe('10012345678902');
  });

  it('accepts any body with its computed check digit and refuses every other digit', () => {
    fc.assert(
      fc.property(validGtin, (gtin) => {
        expect(gtinSchema.parse(gtin)).toBe(gtin.padStart(14, '0'));
        for (let d = 0; d <= 9; d++) {
          const other = gtin.slice(0, -1) + String(d);
          expect(isValidGtin(other)).toBe(other === gtin);
        }
      }),
    );
  });

  it('keeps the check digit when leading zeros are added, so the 14-digit form stays valid', () => {
    fc.assert(
      fc.property(validGtin, (gtin) => {
        expect(isValidGtin(normaliseGtin(gtin))).toBe(true);
      }),
    );
  });

  it('detects any single wrong digit', () => {
    fc.assert(
      fc.property(validGtin, fc.nat(13), digit, (gtin, rawPosition, replacement) => {
        const position = rawPosition % gtin.length;
        fc.pre(gtin.charAt(position) !== replacement);
        const changed = gtin.slice(0, position) + replacement + gtin.slice(position + 1);
        expect(isValidGtin(changed)).toBe(false);
      }),
    );
  });
});
