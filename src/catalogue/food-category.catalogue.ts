/**
 * Food categories (食品类别) that catalogue limits are set for.
 *
 * The national standards set limits at different depths of one tree: GB 2762 sets lead for fresh
 * vegetables and a higher one for leafy vegetables, GB 2763 sets procymidone for leek (韭菜) alone.
 * So a category may name a parent, and a limit set for a category applies to its descendants unless
 * one of them has its own. Processed foods (pickled vegetables, cooked meat) are roots of their own:
 * the limits for the fresh produce do not carry over to them.
 */
import { z } from 'zod';

import { ValidationError } from '../errors/domain.error';

/** The stable codes of the food categories, kebab-case English. */
export const FOOD_CATEGORY_CODES = [
  'vegetables',
  'leafy-vegetables',
  'celery',
  'bulb-vegetables',
  'leek',
  'cucumber',
  'tomato',
  'pickled-vegetables',
  'fruit',
  'citrus',
  'preserved-fruit',
  'cereals',
  'rice',
  'wheat-flour',
  'maize',
  'meat',
  'cooked-meat',
  'cooked-beef',
  'aquatic-products',
  'fish',
  'milk-and-dairy',
  'raw-milk',
  'pasteurised-milk',
  'sterilised-milk',
  'fermented-milk',
  'eggs',
  'beverages',
  'carbonated-beverages',
  'edible-oils',
  'peanut-oil',
  'condiments',
  'soy-sauce',
  'bakery-products',
  'infant-formula',
] as const;

/** A food category code. */
export type FoodCategoryCode = (typeof FOOD_CATEGORY_CODES)[number];

/** One food category with its names and, for a sub-category, the category it belongs to. */
export interface FoodCategory {
  readonly code: FoodCategoryCode;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly parent?: FoodCategoryCode;
}

type CategoryEntry = Omit<FoodCategory, 'code'>;

// A Record, so that the compiler refuses a code without its entry.
const TABLE: Readonly<Record<FoodCategoryCode, CategoryEntry>> = {
  vegetables: { nameZh: '新鲜蔬菜', nameEn: 'Fresh vegetables' },
  'leafy-vegetables': { nameZh: '叶菜类蔬菜', nameEn: 'Leafy vegetables', parent: 'vegetables' },
  celery: { nameZh: '芹菜', nameEn: 'Celery', parent: 'leafy-vegetables' },
  // GB 2763 files leek (韭菜, Chinese chives) under bulb vegetables (鳞茎类蔬菜), not leafy ones.
  'bulb-vegetables': { nameZh: '鳞茎类蔬菜', nameEn: 'Bulb vegetables', parent: 'vegetables' },
  leek: { nameZh: '韭菜', nameEn: 'Chinese leek (chives)', parent: 'bulb-vegetables' },
  cucumber: { nameZh: '黄瓜', nameEn: 'Cucumber', parent: 'vegetables' },
  tomato: { nameZh: '番茄', nameEn: 'Tomato', parent: 'vegetables' },
  'pickled-vegetables': { nameZh: '腌渍蔬菜（酱腌菜）', nameEn: 'Pickled vegetables' },
  fruit: { nameZh: '新鲜水果', nameEn: 'Fresh fruit' },
  citrus: { nameZh: '柑橘类水果', nameEn: 'Citrus fruit', parent: 'fruit' },
  'preserved-fruit': { nameZh: '蜜饯凉果', nameEn: 'Preserved fruit' },
  cereals: { nameZh: '谷物及其制品', nameEn: 'Cereals and cereal products' },
  rice: { nameZh: '大米', nameEn: 'Rice', parent: 'cereals' },
  'wheat-flour': { nameZh: '小麦粉', nameEn: 'Wheat flour', parent: 'cereals' },
  maize: { nameZh: '玉米', nameEn: 'Maize', parent: 'cereals' },
  meat: { nameZh: '畜禽肉', nameEn: 'Meat and poultry (muscle)' },
  'cooked-meat': { nameZh: '熟肉制品', nameEn: 'Cooked meat products' },
  'cooked-beef': { nameZh: '熟牛肉制品', nameEn: 'Cooked beef products', parent: 'cooked-meat' },
  'aquatic-products': { nameZh: '水产品', nameEn: 'Aquatic products' },
  fish: { nameZh: '鱼类', nameEn: 'Fish', parent: 'aquatic-products' },
  'milk-and-dairy': { nameZh: '乳及乳制品', nameEn: 'Milk and dairy products' },
  'raw-milk': { nameZh: '生乳', nameEn: 'Raw milk', parent: 'milk-and-dairy' },
  'pasteurised-milk': { nameZh: '巴氏杀菌乳', nameEn: 'Pasteurised milk', parent: 'milk-and-dairy' },
  'sterilised-milk': { nameZh: '灭菌乳', nameEn: 'Sterilised (UHT) milk', parent: 'milk-and-dairy' },
  'fermented-milk': { nameZh: '发酵乳', nameEn: 'Fermented milk (yoghurt)', parent: 'milk-and-dairy' },
  eggs: { nameZh: '蛋及蛋制品', nameEn: 'Eggs and egg products' },
  beverages: { nameZh: '饮料', nameEn: 'Beverages' },
  'carbonated-beverages': { nameZh: '碳酸饮料', nameEn: 'Carbonated beverages', parent: 'beverages' },
  'edible-oils': { nameZh: '食用植物油', nameEn: 'Edible vegetable oils' },
  'peanut-oil': { nameZh: '花生油', nameEn: 'Peanut oil', parent: 'edible-oils' },
  condiments: { nameZh: '调味品', nameEn: 'Condiments' },
  'soy-sauce': { nameZh: '酱油', nameEn: 'Soy sauce', parent: 'condiments' },
  'bakery-products': { nameZh: '糕点、面包', nameEn: 'Bakery products (pastries and bread)' },
  'infant-formula': { nameZh: '婴幼儿配方食品', nameEn: 'Infant formula' },
};

/** Every food category, in catalogue order, frozen. */
export const FOOD_CATEGORIES: readonly FoodCategory[] = Object.freeze(
  FOOD_CATEGORY_CODES.map((code) => Object.freeze({ code, ...TABLE[code] })),
);

const CATEGORY_LIST = FOOD_CATEGORY_CODES.join(', ');

/**
 * The zod schema of a food category field.
 *
 * @example foodCategorySchema.parse('leek') // 'leek'
 */
export const foodCategorySchema = z.enum(FOOD_CATEGORY_CODES, {
  error: (issue) => unknownCategoryMessage(issue.input),
});

/** Whether a value is a known food category code. */
export function isFoodCategoryCode(value: unknown): value is FoodCategoryCode {
  return typeof value === 'string' && Object.hasOwn(TABLE, value);
}

/** The category with its names, or `undefined` for an unknown code. */
export function findFoodCategory(code: string): FoodCategory | undefined {
  return isFoodCategoryCode(code) ? FOOD_CATEGORIES.find((category) => category.code === code) : undefined;
}

/**
 * The category followed by its ancestors, most specific first: the order in which limits are looked
 * up, so that a sub-category's own limit wins over its parent's.
 *
 * @example categoryLineage('leek') // ['leek', 'bulb-vegetables', 'vegetables']
 * @throws ValidationError `CATEGORY.UNKNOWN` for an unknown code.
 */
export function categoryLineage(code: FoodCategoryCode): readonly FoodCategoryCode[] {
  if (!isFoodCategoryCode(code)) {
    throw new ValidationError('CATEGORY.UNKNOWN', unknownCategoryMessage(code));
  }
  const lineage: FoodCategoryCode[] = [];
  for (let current: FoodCategoryCode | undefined = code; current !== undefined;) {
    lineage.push(current);
    current = TABLE[current].parent;
  }
  return lineage;
}

function unknownCategoryMessage(raw: unknown): string {
  const shown = typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : `a value of type ${typeof raw}`;
  return `unknown food category ${shown}; use one of: ${CATEGORY_LIST}`;
}
