import { z } from 'zod';

/**
 * The Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters from a
 * 31-character alphabet (digits and capitals without I, O, S, V, Z). The last character is a
 * check character: the weighted sum of the first 17 code values (weights 3^i mod 31) mod 31,
 * subtracted from 31.
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const SHAPE = /^[0-9A-HJ-NP-RTUW-Y]{18}$/;

/**
 * Computes the check character for the first 17 characters of a credit code.
 * @throws {RangeError} when the body is not 17 characters of the alphabet.
 * @example creditCodeCheckCharacter('91350100M000100Y4') // '3'
 */
export function creditCodeCheckCharacter(body: string): string {
  if (body.length !== 17) throw new RangeError('a credit code body has 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_ALPHABET.indexOf(body.charAt(i));
    if (value < 0) throw new RangeError(`"${body.charAt(i)}" is not in the credit code alphabet`);
    sum += value * (WEIGHTS[i] ?? 0);
  }
  return CREDIT_CODE_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/** True when `code` is 18 characters of the alphabet with the right check character. */
export function isValidCreditCode(code: string): boolean {
  return SHAPE.test(code) && creditCodeCheckCharacter(code.slice(0, 17)) === code.charAt(17);
}

/**
 * The administrative region (6-digit code of GB/T 2260) a credit code was registered in:
 * characters 3 to 8.
 */
export function creditCodeRegion(code: string): string {
  return code.slice(2, 8);
}

/** A `companyId`: upper-cased, then checked for shape and check character. */
export const companyIdSchema = z
  .string({ error: 'must be an 18-character Unified Social Credit Code' })
  .trim()
  .toUpperCase()
  .refine((code) => SHAPE.test(code), {
    error: 'must be 18 characters of 0-9 and A-Y without I, O, S, V, Z (GB 32100-2015)',
  })
  .refine((code) => !SHAPE.test(code) || isValidCreditCode(code), {
    error: 'check character does not match (GB 32100-2015 mod 31)',
  });
