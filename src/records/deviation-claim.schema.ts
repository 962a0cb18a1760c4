import { z } from 'zod';
import { itemCodeSchema } from '../catalogue/item.catalogue';
import { codeSchema } from '../identifiers/code.schema';
import { DEVIATION_RULES, SEVERITIES } from '../rules/deviation.rules';

/**
 * What the gateway claims about one official item result: its reference self-test (or none) and
 * the severity and rule the comparison gives. The chaincode re-selects the reference from the
 * committed index, recomputes the comparison and refuses a claim that disagrees.
 */
export const deviationClaimSchema = z
  .object({
    officialResultId: codeSchema('officialResultId', 200),
    itemCode: itemCodeSchema,
    selfTestId: codeSchema('selfTestId', 200).nullable(),
    severity: z.enum(SEVERITIES).nullable(),
    rule: z.enum(DEVIATION_RULES).nullable(),
  })
  .strict();

export type DeviationClaimInput = z.output<typeof deviationClaimSchema>;
