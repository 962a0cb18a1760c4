import { z } from 'zod';

/**
 * Global Trade Item Numbers (GTIN-8, -12, -13, -14) with the GS1 mod-10 check digit.
 * Everything the product stores holds the 14-digit form, left-padded with zeros, which is
 * also the form GS1 Digital Link uses after `/01/`.
 */
const GTIN_LENGTHS = new Set([8, 12, 13, 14]);

/**
 * The GS1 check digit for the digits before it: weights 3 and 1 alternate from the right.
 * @example gtinCheckDigit('690123456789') // '2'
 */
export function gtinCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return String((10 - (sum % 10)) % 10);
}

/** True when `gtin` is 8, 12, 13 or 14 digits with a correct check digit. */
export function isValidGtin(gtin: string): boolean {
  return (
    /^\d+$/.test(gtin) &&
    GTIN_LENGTHS.has(gtin.length) &&
    gtinCheckDigit(gtin.slice(0, -1)) === gtin.slice(-1)
  );
}

/** The 14-digit form of a valid GTIN. */
export function normaliseGtin(gtin: string): string {
  return gtin.padStart(14, '0');
}

/** A GTIN input: checked, then normalised to 14 digits. */
export const gtinSchema = z
  .string({ error: 'must be a GTIN of 8, 12, 13 or 14 digits' })
  .trim()
  .refine((gtin) => /^\d+$/.test(gtin) && GTIN_LENGTHS.has(gtin.length), {
    error: 'must be a GTIN of 8, 12, 13 or 14 digits',
  })
  .refine((gtin) => !/^\d+$/.test(gtin) || !GTIN_LENGTHS.has(gtin.length) || isValidGtin(gtin), {
    error: 'check digit does not match (GS1 mod 10)',
  })
  .transform(normaliseGtin);
