import fc from 'fast-check';

import { ValidationError } from '../../../src/errors/domain.error';
import {
  categoryLineage,
  FOOD_CATEGORIES,
  FOOD_CATEGORY_CODES,
  foodCategorySchema,
  findFoodCategory,
  type FoodCategoryCode,
} from '../../../src/catalogue/food-category.catalogue';
import {
  findItem,
  ITEM_CODES,
  itemCodeSchema,
  ITEMS,
  limitInForce,
  requireItem,
  type CatalogueLimit,
  type ItemGroup,
  type ItemKind,
} from '../../../src/catalogue/item.catalogue';
import { canonicalDecimal, unitDimension } from '../../../src/units/unit.conversion';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const UNKNOWN_ITEM = 'unknown itemCode "leed"; the catalogue is listed at GET /v1/items';

const ALL_KINDS: readonly ItemKind[] = ['chemical', 'microbial', 'pathogen', 'quality'];
const ALL_GROUPS: readonly ItemGroup[] = [
  'pesticide',
  'heavy-metal',
  'veterinary-drug',
  'additive',
  'mycotoxin',
  'microbial',
  'pathogen',
  'quality',
];

function errorOf(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error: unknown) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

function inForce(
  itemCode: string,
  category: FoodCategoryCode,
  onDate: string,
): Pick<CatalogueLimit, 'limit' | 'unit' | 'standard'> | undefined {
  const row = limitInForce(itemCode, category, onDate);
  return row && { limit: row.limit, unit: row.unit, standard: row.standard };
}

describe('item catalogue invariants', () => {
  it('holds at least 40 items', () => {
    expect(ITEMS.length).toBeGreaterThanOrEqual(40);
  });

  it('sets limits for at least 10 food categories', () => {
    const used = new Set(ITEMS.flatMap((item) => item.limits.map((limit) => limit.category)));
    expect(used.size).toBeGreaterThanOrEqual(10);
  });

  it('covers every kind and every group', () => {
    expect(new Set(ITEMS.map((item) => item.kind))).toEqual(new Set(ALL_KINDS));
    expect(new Set(ITEMS.map((item) => item.group))).toEqual(new Set(ALL_GROUPS));
  });

  it('gives every item a unique kebab-case code and both names', () => {
    const codes = ITEMS.map((item) => item.itemCode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(ITEM_CODES).toEqual(codes);
    for (const item of ITEMS) {
      expect(item.itemCode).toMatch(KEBAB);
      expect(item.nameZh.trim()).not.toBe('');
      expect(item.nameEn.trim()).not.toBe('');
    }
  });

  it('gives every item at least one limit', () => {
    for (const item of ITEMS) expect(item.limits.length).toBeGreaterThan(0);
  });

  it('expresses every limit in a unit of the item’s dimension', () => {
    const mismatches = ITEMS.flatMap((item) => {
      const dimension = item.unit === null ? 'count' : unitDimension(item.unit);
      return item.limits
        .filter((limit) => unitDimension(limit.unit) !== dimension)
        .map((limit) => `${item.itemCode} in ${limit.category}: ${limit.unit}`);
    });
    expect(mismatches).toEqual([]);
  });

  it('matches kind and group: counts are microbial, pathogens qualitative', () => {
    for (const item of ITEMS) {
      if (item.kind === 'microbial') expect(item.unit && unitDimension(item.unit)).toBe('count');
      if (item.kind === 'chemical') expect(item.unit && unitDimension(item.unit)).toBe('mass-fraction');
      expect(item.kind === 'pathogen').toBe(item.group === 'pathogen');
      expect(item.kind === 'microbial').toBe(item.group === 'microbial');
      expect(item.kind === 'quality').toBe(item.group === 'quality');
    }
  });

  it('has no unit for pathogens, which fail when detected', () => {
    const pathogens = ITEMS.filter((item) => item.kind === 'pathogen');
    expect(pathogens.length).toBeGreaterThanOrEqual(5);
    for (const item of pathogens) {
      expect(item.unit).toBeNull();
      expect(item.limitType).toBe('max');
      for (const limit of item.limits) expect(limit.limit).toBe('0');
    }
  });

  it('has minimum limits among the quality indices', () => {
    const minimums = ITEMS.filter((item) => item.limitType === 'min');
    expect(minimums.length).toBeGreaterThan(0);
    for (const item of minimums) expect(item.kind).toBe('quality');
  });

  it('writes every limit as a canonical decimal of a known category', () => {
    for (const item of ITEMS) {
      for (const limit of item.limits) {
        expect(canonicalDecimal(limit.limit)).toBe(limit.limit);
        expect(findFoodCategory(limit.category)).toBeDefined();
        expect(limit.standard).toMatch(/^(GB \d+(\.\d+)?-\d{4}|农业农村部公告第\d+号)$/);
      }
    }
  });

  it('dates every edition, each ending after it starts', () => {
    for (const item of ITEMS) {
      for (const limit of item.limits) {
        expect(limit.effectiveFrom).toMatch(ISO_DATE);
        if (limit.effectiveTo !== undefined) {
          expect(limit.effectiveTo).toMatch(ISO_DATE);
          expect(limit.effectiveTo > limit.effectiveFrom).toBe(true);
        }
      }
    }
  });

  it('never lets two editions of one item and category overlap', () => {
    const overlaps: string[] = [];
    for (const item of ITEMS) {
      for (const category of new Set(item.limits.map((limit) => limit.category))) {
        const rows = item.limits
          .filter((limit) => limit.category === category)
          .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
        rows.slice(1).forEach((next, index) => {
          const previousEnd = rows[index]!.effectiveTo;
          if (previousEnd === undefined || previousEnd > next.effectiveFrom) {
            overlaps.push(
              `${item.itemCode} in ${category}: ${previousEnd ?? 'open end'} > ${next.effectiveFrom}`,
            );
          }
        });
      }
    }
    expect(overlaps).toEqual([]);
  });

  it('is frozen, so no caller can change a limit in place', () => {
    expect(Object.isFrozen(ITEMS)).toBe(true);
    expect(Object.isFrozen(ITEMS[0])).toBe(true);
    expect(Object.isFrozen(ITEMS[0]!.limits)).toBe(true);
    expect(Object.isFrozen(ITEMS[0]!.limits[0])).toBe(true);
  });
});

describe('food categories', () => {
  it('lists at least 10 categories with unique kebab-case codes and both names', () => {
    expect(FOOD_CATEGORIES.length).toBeGreaterThanOrEqual(10);
    expect(FOOD_CATEGORIES.map((c) => c.code)).toEqual([...FOOD_CATEGORY_CODES]);
    expect(new Set(FOOD_CATEGORY_CODES).size).toBe(FOOD_CATEGORY_CODES.length);
    for (const category of FOOD_CATEGORIES) {
      expect(category.code).toMatch(KEBAB);
      expect(category.nameZh).not.toBe('');
      expect(category.nameEn).not.toBe('');
    }
  });

  it('has parents that exist and no cycles', () => {
    for (const category of FOOD_CATEGORIES) {
      if (category.parent !== undefined) expect(FOOD_CATEGORY_CODES).toContain(category.parent);
      const lineage = categoryLineage(category.code);
      expect(new Set(lineage).size).toBe(lineage.length);
    }
  });

  it('looks a category up from the most specific to the most general', () => {
    expect(categoryLineage('leek')).toEqual(['leek', 'bulb-vegetables', 'vegetables']);
    expect(categoryLineage('eggs')).toEqual(['eggs']);
  });

  it('accepts a known category and names the accepted codes for an unknown one', () => {
    expect(foodCategorySchema.parse('soy-sauce')).toBe('soy-sauce');
    const result = foodCategorySchema.safeParse('veggies');
    expect(result.success).toBe(false);
    const message = result.error?.issues[0]?.message ?? '';
    expect(message).toContain('"veggies"');
    expect(message).toContain('leafy-vegetables');
  });

  it('refuses an unknown category in a lineage lookup', () => {
    expect(errorOf(() => categoryLineage('veggies' as FoodCategoryCode)).code).toBe('CATEGORY.UNKNOWN');
  });
});

describe('item lookup', () => {
  it('finds an item by code', () => {
    expect(findItem('procymidone')).toMatchObject({
      nameZh: '腐霉利',
      kind: 'chemical',
      group: 'pesticide',
      unit: 'mg/kg',
    });
    expect(findItem('leed')).toBeUndefined();
  });

  it('refuses an unknown item code, pointing at the list endpoint', () => {
    const error = errorOf(() => requireItem('leed'));
    expect(error.code).toBe('ITEM.UNKNOWN');
    expect(error.message).toBe(UNKNOWN_ITEM);
  });

  it('validates an itemCode field with the same message', () => {
    expect(itemCodeSchema.parse('lead')).toBe('lead');
    const result = itemCodeSchema.safeParse('leed');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(UNKNOWN_ITEM);
    expect(itemCodeSchema.safeParse(42).success).toBe(false);
  });
});

describe('limit in force', () => {
  it('applies the 5 mg/kg procymidone limit in leek from 2023-05-11 and 0.2 mg/kg the day before', () => {
    expect(inForce('procymidone', 'leek', '2023-05-11')).toEqual({
      limit: '5',
      unit: 'mg/kg',
      standard: 'GB 2763.1-2022',
    });
    expect(inForce('procymidone', 'leek', '2023-05-10')).toEqual({
      limit: '0.2',
      unit: 'mg/kg',
      standard: 'GB 2763-2021',
    });
  });

  it('applies no procymidone limit in leek before GB 2763-2021 took effect', () => {
    expect(limitInForce('procymidone', 'leek', '2021-09-02')).toBeUndefined();
    expect(inForce('procymidone', 'leek', '2021-09-03')?.limit).toBe('0.2');
  });

  it('lowers lead in raw milk from 0.05 to 0.02 mg/kg when GB 2762-2022 takes effect on 2023-06-30', () => {
    expect(inForce('lead', 'raw-milk', '2023-06-29')).toEqual({
      limit: '0.05',
      unit: 'mg/kg',
      standard: 'GB 2762-2017',
    });
    expect(inForce('lead', 'raw-milk', '2023-06-30')).toEqual({
      limit: '0.02',
      unit: 'mg/kg',
      standard: 'GB 2762-2022',
    });
  });

  it('records the new edition even where the value did not change', () => {
    expect(inForce('cadmium', 'rice', '2023-06-29')).toEqual({
      limit: '0.2',
      unit: 'mg/kg',
      standard: 'GB 2762-2017',
    });
    expect(inForce('cadmium', 'rice', '2023-06-30')).toEqual({
      limit: '0.2',
      unit: 'mg/kg',
      standard: 'GB 2762-2022',
    });
  });

  it('stops permitting dehydroacetic acid in bakery products from 2025-02-08', () => {
    expect(inForce('dehydroacetic-acid', 'bakery-products', '2025-02-07')?.limit).toBe('0.5');
    expect(inForce('dehydroacetic-acid', 'bakery-products', '2025-02-08')).toEqual({
      limit: '0',
      unit: 'g/kg',
      standard: 'GB 2760-2024',
    });
  });

  it('switches soy sauce coliforms from MPN/100mL to CFU/mL with GB 2717-2018', () => {
    expect(inForce('coliforms', 'soy-sauce', '2019-12-20')).toEqual({
      limit: '30',
      unit: 'MPN/100mL',
      standard: 'GB 2717-2003',
    });
    expect(inForce('coliforms', 'soy-sauce', '2019-12-21')).toEqual({
      limit: '100',
      unit: 'CFU/mL',
      standard: 'GB 2717-2018',
    });
  });

  it('prefers a sub-category’s own limit over its parent’s', () => {
    expect(inForce('aflatoxin-b1', 'peanut-oil', '2024-01-01')?.limit).toBe('20');
    expect(inForce('aflatoxin-b1', 'edible-oils', '2024-01-01')?.limit).toBe('10');
    expect(inForce('lead', 'celery', '2024-01-01')?.limit).toBe('0.3');
  });

  it('falls back to the nearest ancestor that has a limit', () => {
    expect(inForce('omethoate', 'leek', '2024-01-01')).toEqual({
      limit: '0.02',
      unit: 'mg/kg',
      standard: 'GB 2763-2021',
    });
    expect(inForce('lead', 'leek', '2024-01-01')?.limit).toBe('0.1');
    expect(inForce('salmonella', 'cooked-beef', '2024-01-01')).toEqual({
      limit: '0',
      unit: 'CFU/g',
      standard: 'GB 29921-2021',
    });
  });

  it('has no limit for a category the standards do not cover', () => {
    expect(limitInForce('procymidone', 'rice', '2024-01-01')).toBeUndefined();
    expect(limitInForce('lead', 'preserved-fruit', '2024-01-01')).toBeUndefined();
  });

  it('keeps a withdrawn limit for old records only', () => {
    expect(inForce('shigella', 'cooked-meat', '2010-01-01')?.standard).toBe('GB 2726-2005');
    expect(limitInForce('shigella', 'cooked-meat', '2014-07-01')).toBeUndefined();
  });

  it('refuses a date that is not YYYY-MM-DD and an unknown item', () => {
    expect(errorOf(() => limitInForce('lead', 'rice', '2023/05/11')).code).toBe('DATE.INVALID');
    expect(errorOf(() => limitInForce('lead', 'rice', '2023-05-11T00:00:00Z')).code).toBe('DATE.INVALID');
    expect(errorOf(() => limitInForce('leed', 'rice', '2023-05-11')).code).toBe('ITEM.UNKNOWN');
  });

  it('always returns a row in force on the date, from the nearest category that has one', () => {
    const isoDate = fc
      .record({
        year: fc.integer({ min: 2000, max: 2030 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
      })
      .map(
        ({ year, month, day }) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      );
    const contains = (row: CatalogueLimit, date: string): boolean =>
      row.effectiveFrom <= date && (row.effectiveTo === undefined || date < row.effectiveTo);
    fc.assert(
      fc.property(
        fc.constantFrom(...ITEMS),
        fc.constantFrom(...FOOD_CATEGORY_CODES),
        isoDate,
        (item, category, date) => {
          const row = limitInForce(item.itemCode, category, date);
          const nearest = categoryLineage(category).find((c) =>
            item.limits.some((l) => l.category === c && contains(l, date)),
          );
          if (nearest === undefined) {
            expect(row).toBeUndefined();
          } else {
            expect(row).toBeDefined();
            expect(row!.category).toBe(nearest);
            expect(contains(row!, date)).toBe(true);
          }
        },
      ),
    );
  });
});
