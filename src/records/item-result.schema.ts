import { z } from 'zod';
import { findItem, itemCodeSchema } from '../catalogue/item.catalogue';
import { unitDimension, unitSchema, type UnitCode } from '../units/unit.conversion';

/**
 * One test item of a report as a lab sends it: a number, or not detected (`nd`) with its
 * limit of detection, or — for qualitative pathogen items — `detected` / `not-detected`.
 * Unit and limit are optional: the item's catalogue unit and the limit in force for the
 * product's category apply when they are absent.
 */
const finite = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .refine(Number.isFinite, { error: `${what} must be finite` });

export const verdictSchema = z.enum(['pass', 'fail'], { error: 'must be "pass" or "fail"' });
export const limitTypeSchema = z.enum(['max', 'min'], { error: 'must be "max" or "min"' });
export const qualitativeResultSchema = z.enum(['detected', 'not-detected'], {
  error: 'must be "detected" or "not-detected"',
});

export const itemResultInputSchema = z
  .object({
    itemCode: itemCodeSchema,
    value: finite('value')
      .refine((v) => v >= 0, { error: 'value must not be negative' })
      .optional(),
    nd: z.boolean({ error: 'nd must be true or false' }).optional(),
    lod: finite('lod')
      .refine((v) => v >= 0, { error: 'lod must not be negative' })
      .optional(),
    result: qualitativeResultSchema.optional(),
    unit: unitSchema.optional(),
    uncertainty: finite('uncertainty')
      .refine((v) => v >= 0, { error: 'uncertainty must not be negative' })
      .optional(),
    limit: finite('limit')
      .refine((v) => v >= 0, { error: 'limit must not be negative' })
      .optional(),
    limitType: limitTypeSchema.optional(),
    verdict: verdictSchema,
  })
  .strict()
  .superRefine((item, ctx) => {
    const catalogueItem = findItem(item.itemCode);
    if (!catalogueItem) return; // itemCodeSchema has already said so
    const issue = (path: string, message: string): void => {
      ctx.addIssue({ code: 'custom', path: [path], message });
    };
    if (catalogueItem.kind === 'pathogen') checkQualitative(item, issue);
    else checkQuantitative(item, catalogueItem.unit, issue);
  });

type Issue = (path: string, message: string) => void;
type RawItem = {
  readonly itemCode: string;
  readonly value?: number | undefined;
  readonly nd?: boolean | undefined;
  readonly lod?: number | undefined;
  readonly result?: string | undefined;
  readonly unit?: UnitCode | undefined;
  readonly uncertainty?: number | undefined;
  readonly limit?: number | undefined;
  readonly limitType?: string | undefined;
};

/** A pathogen (detected / not detected in 25 g) carries a result and nothing numeric. */
function checkQualitative(item: RawItem, issue: Issue): void {
  if (item.result === undefined)
    issue('result', `${item.itemCode} is qualitative: give result "detected" or "not-detected"`);
  for (const field of ['value', 'nd', 'lod', 'unit', 'uncertainty', 'limit', 'limitType'] as const) {
    if (item[field] !== undefined) issue(field, `${item.itemCode} is qualitative: ${field} does not apply`);
  }
}

/** A quantitative item carries a value or nd, and a unit of the item's dimension. */
function checkQuantitative(item: RawItem, catalogueUnit: UnitCode | null, issue: Issue): void {
  if (item.result !== undefined)
    issue('result', `${item.itemCode} is quantitative: give value or nd, not result`);
  const nd = item.nd === true;
  if (nd && item.value !== undefined) issue('value', 'a value cannot be given with nd: true');
  if (!nd && item.value === undefined) issue('value', 'give value, or nd: true with its lod');
  if (nd && item.uncertainty !== undefined)
    issue('uncertainty', 'an uncertainty cannot be given with nd: true');
  if (item.limitType !== undefined && item.limit === undefined) issue('limitType', 'limitType needs a limit');
  if (
    item.unit !== undefined &&
    catalogueUnit !== null &&
    unitDimension(item.unit) !== unitDimension(catalogueUnit)
  ) {
    issue(
      'unit',
      `${item.unit} cannot express ${item.itemCode}, which is measured in ${catalogueUnit}: a count and a mass fraction are not comparable`,
    );
  }
}

/** An item result as sent. */
export type ItemResultInput = z.output<typeof itemResultInputSchema>;
/** A reported or recomputed verdict. */
export type Verdict = z.output<typeof verdictSchema>;
/** Whether a limit is a maximum or a minimum. */
export type LimitTypeValue = z.output<typeof limitTypeSchema>;
