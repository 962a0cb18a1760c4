import fc from 'fast-check';
import {
  CREDIT_CODE_ALPHABET,
  companyIdSchema,
  creditCodeCheckCharacter,
  creditCodeRegion,
  isValidCreditCode,
} from '../../../src/identifiers/credit-code.identifier';

/**
 * Codes published by the companies themselves (business licences, annual reports), so their
 * check characters were computed by the registration authority, not by this code.
 */
const PUBLISHED_CODES = [
  '914403001922038216', // Huawei Technologies Co., Ltd. (Shenzhen)
  '91440300708461136T', // Shenzhen Tencent Computer Systems Co., Ltd.
  '91330100799655058B', // Alibaba (China) Co., Ltd. (Hangzhou)
  '91110108551385082Q', // Beijing Xiaomi Technology Co., Ltd.
];

const alphabetChar = fc.constantFrom(...CREDIT_CODE_ALPHABET.split(''));
const body = fc.array(alphabetChar, { minLength: 17, maxLength: 17 }).map((chars) => chars.join(''));

/** The check character of GB 32100-2015 computed from the standard's weights, independently of the module. */
function referenceCheckCharacter(codeBody: string): string {
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = codeBody
    .split('')
    .reduce((acc, ch, i) => acc + CREDIT_CODE_ALPHABET.indexOf(ch) * (weights[i] ?? Number.NaN), 0);
  return CREDIT_CODE_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

function messagesOf(input: unknown): string[] {
  const result = companyIdSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('Unified Social Credit Code (companyId)', () => {
  it.each(PUBLISHED_CODES)('accepts the published code %s', (code) => {
    expect(isValidCreditCode(code)).toBe(true);
    expect(companyIdSchema.parse(code)).toBe(code);
  });

  it('computes the check character of the documented example', () => {
    expect(creditCodeCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
  });

  it('computes 0 when the weighted sum is a multiple of 31', () => {
    // Body all zeros: the sum is 0, and 31 - 0 wraps to 0 rather than giving a 32nd character.
    expect(creditCodeCheckCharacter('00000000000000000')).toBe('0');
    expect(isValidCreditCode('000000000000000000')).toBe(true);
  });

  it.each(PUBLISHED_CODES)('refuses %s with a wrong check character, naming the mod 31 rule', (code) => {
    const wrong = code.slice(0, 17) + (code.endsWith('0') ? '1' : '0');
    expect(isValidCreditCode(wrong)).toBe(false);
    expect(messagesOf(wrong)).toEqual(['check character does not match (GB 32100-2015 mod 31)']);
  });

  it('accepts a lower-case code and stores it upper-cased', () => {
    expect(companyIdSchema.parse('91440300708461136t')).toBe('91440300708461136T');
    expect(companyIdSchema.parse('91350100m000100y43')).toBe('91350100M000100Y43');
  });

  it('trims surrounding white space', () => {
    expect(companyIdSchema.parse('  914403001922038216 ')).toBe('914403001922038216');
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])(
    'refuses the forbidden letter %s, naming the alphabet rule',
    (letter) => {
      const code = `91350100${letter}000100Y43`;
      const messages = messagesOf(code);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/without I, O, S, V, Z/);
      expect(isValidCreditCode(code)).toBe(false);
    },
  );

  it.each([
    ['17 characters', '91350100M000100Y4'],
    ['19 characters', '91350100M000100Y433'],
    ['punctuation', '91350100-000100Y43'],
    ['an empty string', ''],
  ])('refuses %s with the shape message only', (_label, code) => {
    expect(messagesOf(code)).toEqual([
      'must be 18 characters of 0-9 and A-Y without I, O, S, V, Z (GB 32100-2015)',
    ]);
  });

  it('refuses a value that is not a string', () => {
    expect(companyIdSchema.safeParse(91350100).success).toBe(false);
  });

  it('refuses a body with a character outside the alphabet when computing a check character', () => {
    expect(() => creditCodeCheckCharacter('91350100O000100Y4')).toThrow(RangeError);
    expect(() => creditCodeCheckCharacter('9135')).toThrow(RangeError);
  });

  it('reads the registration region from characters 3 to 8', () => {
    expect(creditCodeRegion('914403001922038216')).toBe('440300');
    expect(creditCodeRegion('91330100799655058B')).toBe('330100');
  });

  it('agrees with the GB 32100-2015 weights on any body', () => {
    fc.assert(
      fc.property(body, (codeBody) => {
        expect(creditCodeCheckCharacter(codeBody)).toBe(referenceCheckCharacter(codeBody));
      }),
    );
  });

  it('accepts any body with its computed check character and refuses every other check character', () => {
    fc.assert(
      fc.property(body, (codeBody) => {
        const check = creditCodeCheckCharacter(codeBody);
        expect(companyIdSchema.safeParse(codeBody + check).success).toBe(true);
        for (const other of CREDIT_CODE_ALPHABET) {
          if (other !== check) expect(isValidCreditCode(codeBody + other)).toBe(false);
        }
      }),
    );
  });

  it('detects any single changed character of the body', () => {
    fc.assert(
      fc.property(body, fc.nat(16), alphabetChar, (codeBody, position, replacement) => {
        fc.pre(codeBody.charAt(position) !== replacement);
        const code = codeBody + creditCodeCheckCharacter(codeBody);
        const changed = code.slice(0, position) + replacement + code.slice(position + 1);
        expect(isValidCreditCode(changed)).toBe(false);
      }),
    );
  });
});
