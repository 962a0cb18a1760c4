import { z } from 'zod';
import { foodCategorySchema } from '../catalogue/food-category.catalogue';
import { batchNoSchema, codeSchema } from '../identifiers/code.schema';
import { companyIdSchema } from '../identifiers/credit-code.identifier';
import { gtinSchema } from '../identifiers/gtin.identifier';
import { dateOfInstant, isInstant, isoDateSchema, isoInstantSchema } from '../time/iso-time';
import { findItem } from '../catalogue/item.catalogue';
import { unitDimension } from '../units/unit.conversion';
import { applicableLimit, judgeItem, type JudgedItemResult } from '../rules/verdict.rules';
import { itemResultInputSchema, type ItemResultInput } from './item-result.schema';

/**
 * The two kinds of test report: an enterprise's self-test report (自检报告) and a regulator's
 * official sampling result (监督抽检结果). Both name the company, the product, the batch and a
 * list of item results; the schemas check each field and that every quantitative item has a
 * limit to be judged against.
 */

export const productSchema = z
  .object({
    code: codeSchema('product.code'),
    gtin: gtinSchema.optional(),
    name: z
      .string({ error: 'product.name is required' })
      .trim()
      .min(1, { error: 'product.name must not be empty' })
      .max(200),
    category: foodCategorySchema.optional(),
  })
  .strict();

export const labSchema = z
  .object({
    name: z
      .string({ error: 'lab.name is required' })
      .trim()
      .min(1, { error: 'lab.name must not be empty' })
      .max(200),
    accreditationNo: z.string().trim().max(64).optional(),
  })
  .strict();

const reportBody = {
  companyId: companyIdSchema,
  product: productSchema,
  batchNo: batchNoSchema,
  productionDate: isoDateSchema,
  lab: labSchema,
  testedAt: isoInstantSchema,
  items: z
    .array(itemResultInputSchema, { error: 'items must be a list of item results' })
    .min(1, { error: 'items must hold at least one item result' })
    .max(200, { error: 'items holds at most 200 item results' }),
};

interface ReportShape {
  readonly product: { readonly category?: z.output<typeof productSchema>['category'] };
  readonly items: readonly ItemResultInput[];
}

/**
 * True when an item is well-formed enough to look up its limit: its code is known, it is
 * quantitative, and its unit (if given) has the item's dimension. Anything else has already
 * been reported against its own field.
 */
function limitCanBeChecked(item: ItemResultInput): boolean {
  const catalogueItem = findItem(item.itemCode);
  if (!catalogueItem || catalogueItem.kind === 'pathogen' || item.result !== undefined) return false;
  if (item.unit === undefined || catalogueItem.unit === null) return true;
  return unitDimension(item.unit) === unitDimension(catalogueItem.unit);
}

/**
 * Adds an issue for every repeated item and every quantitative item that has no limit. `onDate`
 * is undefined when the date field itself is invalid (already reported), and then no limit is
 * looked up.
 */
function checkItems(report: ReportShape, onDate: string | undefined, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  report.items.forEach((item, index) => {
    if (seen.has(item.itemCode)) {
      ctx.addIssue({
        code: 'custom',
        path: ['items', index, 'itemCode'],
        message: `${item.itemCode} appears twice in one report`,
      });
    }
    seen.add(item.itemCode);
    if (onDate === undefined || !limitCanBeChecked(item)) return;
    if (!applicableLimit(item, { category: report.product.category, onDate })) {
      const why =
        report.product.category === undefined
          ? 'no limit given and product.category is absent, so no catalogue limit applies'
          : `no limit given and the catalogue has none for ${item.itemCode} in ${report.product.category} on ${onDate}`;
      ctx.addIssue({ code: 'custom', path: ['items', index, 'limit'], message: why });
    }
  });
}

/** The date of an instant field, or undefined when the field did not parse. */
function dateOf(instant: string): string | undefined {
  return isInstant(instant) ? dateOfInstant(instant) : undefined;
}

function judgeAll(
  items: readonly ItemResultInput[],
  category: ReportShape['product']['category'],
  onDate: string,
): JudgedItemResult[] {
  return items.map((item) => judgeItem(item, { category, onDate }));
}

/** A self-test report as an enterprise's lab system posts it. */
export const selfTestInputSchema = z
  .object({ reportNo: codeSchema('reportNo'), ...reportBody })
  .strict()
  .superRefine((report, ctx) => {
    checkItems(report, dateOf(report.testedAt), ctx);
  });

export const SAMPLING_TYPES = ['supervision', 'risk-monitoring', 'targeted', 're-inspection'] as const;

/** An official result as a regulator's system posts it. The limit in force on the sampling date applies. */
export const officialResultInputSchema = z
  .object({
    samplingNo: codeSchema('samplingNo'),
    samplingType: z.enum(SAMPLING_TYPES, { error: `must be one of ${SAMPLING_TYPES.join(', ')}` }),
    sampledAt: isoInstantSchema,
    taskId: codeSchema('taskId', 200).optional(),
    ...reportBody,
  })
  .strict()
  .superRefine((result, ctx) => {
    checkItems(result, dateOf(result.sampledAt), ctx);
  });

export type SelfTestInput = z.output<typeof selfTestInputSchema>;
export type OfficialResultInput = z.output<typeof officialResultInputSchema>;

/** The judged content of a self-test report, as the ledger stores it (without its anchor). */
export type SelfTestContent = Omit<SelfTestInput, 'items'> & {
  readonly id: string;
  readonly items: JudgedItemResult[];
};
/** The judged content of an official result, as the ledger stores it (without its anchor). */
export type OfficialResultContent = Omit<OfficialResultInput, 'items'> & {
  readonly id: string;
  readonly items: JudgedItemResult[];
};

/** The ledger id of a self-test report: its number is unique within its company. */
export function selfTestId(companyId: string, reportNo: string): string {
  return `ST-${companyId}-${reportNo}`;
}

/** The ledger id of an official result: sampling numbers are unique within the programme. */
export function officialResultId(samplingNo: string): string {
  return `OR-${samplingNo}`;
}

/** Judges every item of a parsed self-test report against the limits in force on its test date. */
export function judgeSelfTest(input: SelfTestInput): SelfTestContent {
  return {
    ...input,
    id: selfTestId(input.companyId, input.reportNo),
    items: judgeAll(input.items, input.product.category, dateOfInstant(input.testedAt)),
  };
}

/** Judges every item of a parsed official result against the limits in force on its sampling date. */
export function judgeOfficialResult(input: OfficialResultInput): OfficialResultContent {
  return {
    ...input,
    id: officialResultId(input.samplingNo),
    items: judgeAll(input.items, input.product.category, dateOfInstant(input.sampledAt)),
  };
}
