import { z } from 'zod';

/**
 * The plain identifiers the parties choose themselves (report and sampling numbers, product
 * codes, inspector ids, batch numbers). They become part of ledger keys and URLs, so they are
 * kept to a safe printable set.
 */
export function codeSchema(what: string, max = 64): z.ZodString {
  return z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, { error: `${what} must not be empty` })
    .max(max, { error: `${what} has at most ${max} characters` })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, {
      error: `${what} may contain letters, digits and . _ - / and starts with a letter or digit`,
    });
}

/**
 * A GS1 "AI encodable character set 82" value of at most 20 characters, as GS1 AI (10) batch/lot
 * and AI (21) serial numbers are.
 */
function gs1Cset82Schema(what: string, ai: string): z.ZodString {
  return z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, { error: `${what} must not be empty` })
    .max(20, { error: `${what} has at most 20 characters (GS1 AI ${ai})` })
    .regex(/^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/, {
      error: `${what} may only use the GS1 AI encodable character set 82 (letters, digits and !"%&'()*+,-./:;<=>?_)`,
    });
}

/**
 * A batch (lot) number as printed. GS1 AI (10) allows up to 20 characters of the GS1
 * "AI encodable character set 82"; the same bound applies here so that every batch can be
 * carried in a GS1 Digital Link.
 */
export const batchNoSchema = gs1Cset82Schema('batchNo', '10');

/** The serial number of one item (one tin, one bottle) as GS1 AI (21) carries it. */
export const serialSchema = gs1Cset82Schema('serial', '21');
