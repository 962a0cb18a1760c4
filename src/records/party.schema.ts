import { z } from 'zod';
import { codeSchema } from '../identifiers/code.schema';
import { companyIdSchema } from '../identifiers/credit-code.identifier';
import { regionSchema } from '../identifiers/region.identifier';

/** The parties the ledger knows: companies under supervision and the inspectors in the draw pool. */

const nameSchema = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, { error: `${what} must not be empty` })
    .max(200);

/** A company (企业) registered by a regulator, with the region it is supervised in. */
export const companyInputSchema = z
  .object({ companyId: companyIdSchema, name: nameSchema('name'), region: regionSchema })
  .strict();

/** An inspector (抽样检查人员) in the pool that targeted sampling draws from. */
export const inspectorInputSchema = z
  .object({
    inspectorId: codeSchema('inspectorId'),
    name: nameSchema('name'),
    region: regionSchema,
    active: z.boolean({ error: 'active must be true or false' }).default(true),
  })
  .strict();

export type CompanyInput = z.output<typeof companyInputSchema>;
export type InspectorInput = z.output<typeof inspectorInputSchema>;
