import { findItem, limitInForce, type CatalogueLimit, type LimitType } from '../catalogue/item.catalogue';
import type { FoodCategoryCode } from '../catalogue/food-category.catalogue';
import type { ItemResultInput, Verdict } from '../records/item-result.schema';
import { convertValue, type UnitCode } from '../units/unit.conversion';
import { dec, toDecimalString, type BigNumber } from './decimal';

/**
 * Verdicts (判定): each item result is judged against the limit that applies to it — the
 * limit the lab declared, or else the catalogue limit in force for the product's category on
 * the sampling (or test) date — and the record keeps the basis it was judged against.
 */

/** The limit an item result is judged against, in the item result's own unit. */
export interface AppliedLimit {
  readonly limit: string;
  readonly limitType: LimitType;
  /** `declared` when the lab gave the limit, else the standard and edition. */
  readonly basis: string;
  readonly effectiveFrom?: string;
}

/** How one item result was judged. Qualitative items have no limit figure. */
export interface Judgement {
  readonly verdict: Verdict;
  readonly limit: string | null;
  readonly limitType: LimitType;
  readonly basis: string;
  readonly effectiveFrom?: string;
}

/** An item result with its unit resolved and its verdict recomputed; what the ledger stores. */
export type JudgedItemResult = ItemResultInput & {
  readonly unit?: UnitCode;
  readonly judgement: Judgement;
};

/** Where the catalogue limit comes from: the product's category and the date that decides the edition. */
export interface JudgingContext {
  readonly category?: FoodCategoryCode | undefined;
  readonly onDate: string;
}

/** The unit an item result is expressed in: the lab's, else the catalogue's (none for pathogens). */
export function resolvedUnit(item: ItemResultInput): UnitCode | undefined {
  return item.unit ?? findItem(item.itemCode)?.unit ?? undefined;
}

// Catalogue limits converted to a unit, by catalogue row: a bounded set (rows × units), and every
// report converts the same few again.
const convertedLimits = new WeakMap<CatalogueLimit, Map<UnitCode, string>>();

function catalogueLimitIn(row: CatalogueLimit, unit: UnitCode): string {
  let byUnit = convertedLimits.get(row);
  if (byUnit === undefined) {
    byUnit = new Map();
    convertedLimits.set(row, byUnit);
  }
  let converted = byUnit.get(unit);
  if (converted === undefined) {
    converted = convertValue(row.limit, row.unit, unit);
    byUnit.set(unit, converted);
  }
  return converted;
}

/**
 * The limit that applies to `item`, converted to its unit; `undefined` when the lab gave none
 * and the catalogue has none for the category on the date (the caller reports that as bad input).
 */
export function applicableLimit(item: ItemResultInput, context: JudgingContext): AppliedLimit | undefined {
  const catalogueItem = findItem(item.itemCode);
  if (!catalogueItem) return undefined;
  if (item.limit !== undefined) {
    return {
      limit: toDecimalString(dec(item.limit)),
      limitType: item.limitType ?? catalogueItem.limitType,
      basis: 'declared',
    };
  }
  if (context.category === undefined) return undefined;
  const inForce = limitInForce(item.itemCode, context.category, context.onDate);
  if (!inForce) return undefined;
  const unit = resolvedUnit(item) ?? inForce.unit;
  return {
    limit: catalogueLimitIn(inForce, unit),
    limitType: catalogueItem.limitType,
    basis: inForce.standard,
    effectiveFrom: inForce.effectiveFrom,
  };
}

/**
 * The figure an item result stands for in comparisons: its value, or half its limit of
 * detection when not detected (0 without a lod).
 */
export function comparableValue(item: ItemResultInput): BigNumber {
  if (item.nd === true) return item.lod === undefined ? dec(0) : dec(item.lod).div(2);
  return dec(item.value ?? 0);
}

/**
 * Judges one item result. `max`: fails iff the value exceeds the limit, and not detected
 * passes; `min`: fails iff the value is below the limit (not detected counts as lod/2).
 * Qualitative items fail iff detected.
 */
export function judge(item: ItemResultInput, limit: AppliedLimit | undefined): Judgement {
  if (item.result !== undefined) {
    return {
      verdict: item.result === 'detected' ? 'fail' : 'pass',
      limit: null,
      limitType: 'max',
      basis: 'qualitative',
    };
  }
  if (!limit) throw new RangeError(`no limit applies to ${item.itemCode}`);
  const verdict: Verdict =
    limit.limitType === 'max'
      ? item.nd !== true && dec(item.value ?? 0).gt(dec(limit.limit))
        ? 'fail'
        : 'pass'
      : comparableValue(item).lt(dec(limit.limit))
        ? 'fail'
        : 'pass';
  const { limitType, basis, effectiveFrom } = limit;
  // Literals rather than spreads: this runs for every item of every report.
  return effectiveFrom === undefined
    ? { verdict, limit: limit.limit, limitType, basis }
    : { verdict, limit: limit.limit, limitType, basis, effectiveFrom };
}

/** Resolves the unit and judges the item: the stored form of an item result. */
export function judgeItem(item: ItemResultInput, context: JudgingContext): JudgedItemResult {
  const unit = resolvedUnit(item);
  const judgement = judge(item, item.result === undefined ? applicableLimit(item, context) : undefined);
  const judged = copyOfItem(item);
  if (unit !== undefined) judged.unit = unit;
  judged.judgement = judgement;
  return judged as JudgedItemResult;
}

/** Every member of an item result: a member added to the schema and not here fails to compile. */
const ITEM_MEMBER_SET: Record<keyof ItemResultInput, true> = {
  itemCode: true,
  value: true,
  nd: true,
  lod: true,
  result: true,
  unit: true,
  uncertainty: true,
  limit: true,
  limitType: true,
  verdict: true,
};
const ITEM_MEMBERS = Object.keys(ITEM_MEMBER_SET) as (keyof ItemResultInput)[];

/**
 * The item's members, copied one by one (those not undefined). Spreading the item, and the
 * judgement, took more than half of the time of judging a report in a profile: items of different
 * shapes send V8's object spread down its generic path.
 */
function copyOfItem(item: ItemResultInput): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const member of ITEM_MEMBERS) {
    const value = item[member];
    if (value !== undefined) copy[member] = value;
  }
  return copy;
}
