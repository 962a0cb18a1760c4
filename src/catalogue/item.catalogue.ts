/**
 * The test item catalogue (检测项目目录): every item a self-test or an official result may report, with
 * its names, kind, unit, limit type and the limits of the national food-safety standards, edition by
 * edition, so that a result is judged against the limit in force on its date (DESIGN.md §3).
 *
 * Conventions of the limit table:
 * - A limit of `0` means the substance is not permitted or must not be detected (不得使用 / 不得检出):
 *   prohibited veterinary drugs (农业农村部公告第250号), drugs banned in laying hens (产蛋期禁用), additives
 *   not permitted in a category. Any quantified value fails; a result below the lab's limit of
 *   detection (`nd`) passes. The judged result records the standard, which says why.
 * - Microbial counts use a sampling plan (n/c/m/M, e.g. n=5 c=2 m=10⁴ M=10⁵): the catalogue keeps the M
 *   value, the one no single sample unit may exceed. Whether more than c units lie between m and M is
 *   judged over a lot, not over one item result.
 * - Pathogens are qualitative (detected / not detected in 25 g, n=5 c=0 m=0): their limit is `0` CFU/g,
 *   so that every limit has one shape; the item's own unit is `null`.
 * - A limit lists the standard with its edition, the date the edition took effect, and, once it was
 *   superseded for that category, the date it stopped applying (exclusive). Coverage of an item starts
 *   at the earliest edition listed: before it, no catalogue limit applies.
 */
import { z } from 'zod';

import { ValidationError } from '../errors/domain.error';
import type { UnitCode } from '../units/unit.conversion';
import { categoryLineage } from './food-category.catalogue';
import type { FoodCategoryCode } from './food-category.catalogue';

/** What kind of figure an item yields: a concentration, a count, a detection, or a quality index. */
export type ItemKind = 'chemical' | 'microbial' | 'pathogen' | 'quality';

/** The family an item belongs to, after the standard that sets its limits. */
export type ItemGroup =
  | 'pesticide'
  | 'heavy-metal'
  | 'veterinary-drug'
  | 'additive'
  | 'mycotoxin'
  | 'microbial'
  | 'pathogen'
  | 'quality';

/** `max`: a value above the limit fails. `min`: a value below the limit fails (quality indices). */
export type LimitType = 'max' | 'min';

/** One limit of one item for one food category under one edition of a standard. */
export interface CatalogueLimit {
  readonly category: FoodCategoryCode;
  /** Canonical decimal string in `unit`; `0` for not permitted / not detected. */
  readonly limit: string;
  readonly unit: UnitCode;
  /** The standard with its edition, e.g. `GB 2763-2021`. */
  readonly standard: string;
  /** ISO date the edition took effect. */
  readonly effectiveFrom: string;
  /** ISO date it stopped applying to this category (exclusive), once superseded. */
  readonly effectiveTo?: string;
}

/** One test item of the catalogue. */
export interface CatalogueItem {
  /** Stable kebab-case code, e.g. `procymidone`, `lead`, `total-aerobic-count`, `salmonella`. */
  readonly itemCode: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly kind: ItemKind;
  readonly group: ItemGroup;
  /** The unit results are usually reported in; `null` for qualitative pathogens. */
  readonly unit: UnitCode | null;
  /** Pathogens are `max`: a detection fails. */
  readonly limitType: LimitType;
  readonly limits: readonly CatalogueLimit[];
}

// ---------------------------------------------------------------------------------------------------
// Editions of the standards. An edition superseded as a whole carries its end date here; one superseded
// only for some categories (GB 2763-2021 by GB 2763.1-2022) gets it per row through `until`.

interface Edition {
  readonly standard: string;
  readonly effectiveFrom: string;
  readonly effectiveTo?: string;
}

// Pesticide residues. GB 2763.1-2022 amends it for some pesticide/crop pairs only.
const GB_2763_2021: Edition = { standard: 'GB 2763-2021', effectiveFrom: '2021-09-03' };
const GB_2763_1_2022: Edition = { standard: 'GB 2763.1-2022', effectiveFrom: '2023-05-11' };
// Contaminants.
const GB_2762_2017: Edition = {
  standard: 'GB 2762-2017',
  effectiveFrom: '2017-09-17',
  effectiveTo: '2023-06-30',
};
const GB_2762_2022: Edition = { standard: 'GB 2762-2022', effectiveFrom: '2023-06-30' };
// Food additives.
const GB_2760_2014: Edition = {
  standard: 'GB 2760-2014',
  effectiveFrom: '2015-05-24',
  effectiveTo: '2025-02-08',
};
const GB_2760_2024: Edition = { standard: 'GB 2760-2024', effectiveFrom: '2025-02-08' };
// Mycotoxins.
const GB_2761_2017: Edition = { standard: 'GB 2761-2017', effectiveFrom: '2017-09-17' };
// Veterinary drug MRLs, and the list of drugs prohibited in food animals (食品动物中禁止使用的药品).
const GB_31650_2019: Edition = { standard: 'GB 31650-2019', effectiveFrom: '2020-04-01' };
const MARA_250: Edition = { standard: '农业农村部公告第250号', effectiveFrom: '2019-12-27' };
// Pathogens in prepackaged foods.
const GB_29921_2013: Edition = {
  standard: 'GB 29921-2013',
  effectiveFrom: '2014-07-01',
  effectiveTo: '2022-11-16',
};
const GB_29921_2021: Edition = { standard: 'GB 29921-2021', effectiveFrom: '2022-11-16' };
// Product standards: dairy, oils, bakery, cooked meat, soy sauce.
const GB_19301_2010: Edition = { standard: 'GB 19301-2010', effectiveFrom: '2010-06-01' };
const GB_19302_2010: Edition = { standard: 'GB 19302-2010', effectiveFrom: '2010-06-01' };
const GB_19645_2010: Edition = { standard: 'GB 19645-2010', effectiveFrom: '2010-06-01' };
const GB_25190_2010: Edition = { standard: 'GB 25190-2010', effectiveFrom: '2010-06-01' };
const GB_2716_2018: Edition = { standard: 'GB 2716-2018', effectiveFrom: '2019-12-21' };
const GB_7099_2015: Edition = { standard: 'GB 7099-2015', effectiveFrom: '2016-09-22' };
const GB_2726_2005: Edition = {
  standard: 'GB 2726-2005',
  effectiveFrom: '2005-10-01',
  effectiveTo: '2014-07-01',
};
const GB_2726_2016: Edition = { standard: 'GB 2726-2016', effectiveFrom: '2017-12-23' };
const GB_2717_2003: Edition = {
  standard: 'GB 2717-2003',
  effectiveFrom: '2004-05-01',
  effectiveTo: '2019-12-21',
};
const GB_2717_2018: Edition = { standard: 'GB 2717-2018', effectiveFrom: '2019-12-21' };

const GB_2762 = [GB_2762_2017, GB_2762_2022] as const;
const GB_2760 = [GB_2760_2014, GB_2760_2024] as const;
const GB_29921 = [GB_29921_2013, GB_29921_2021] as const;

/** The edition, ending where its successor takes over (for the rows it is used with). */
function until(edition: Edition, successor: Edition): Edition {
  return { ...edition, effectiveTo: successor.effectiveFrom };
}

// ---------------------------------------------------------------------------------------------------
// A small table language: `under(edition, { category: 'limit' })` is one block of limit rows, in the
// item's unit unless another is given.

type LimitRows = Partial<Record<FoodCategoryCode, string>>;

interface LimitBlock {
  readonly editions: readonly Edition[];
  readonly rows: LimitRows;
  readonly unit?: UnitCode;
}

function under(edition: Edition | readonly Edition[], rows: LimitRows, unit?: UnitCode): LimitBlock {
  const editions = 'standard' in edition ? [edition] : edition;
  return unit === undefined ? { editions, rows } : { editions, rows, unit };
}

// A pathogen has no unit of its own; its "not detected in 25 g" is written 0 CFU/g.
const PATHOGEN_UNIT: UnitCode = 'CFU/g';

interface ItemHead {
  readonly itemCode: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly kind: ItemKind;
  readonly group: ItemGroup;
  readonly unit: UnitCode | null;
  readonly limitType: LimitType;
}

function define(head: ItemHead, blocks: readonly LimitBlock[]): CatalogueItem {
  const limits = blocks.flatMap((block) =>
    block.editions.flatMap((edition) =>
      Object.entries(block.rows).map(([category, limit]) =>
        Object.freeze(
          limitRow(category as FoodCategoryCode, limit, block.unit ?? head.unit ?? PATHOGEN_UNIT, edition),
        ),
      ),
    ),
  );
  return Object.freeze({ ...head, limits: Object.freeze(limits) });
}

function limitRow(
  category: FoodCategoryCode,
  limit: string,
  unit: UnitCode,
  edition: Edition,
): CatalogueLimit {
  const row = { category, limit, unit, standard: edition.standard, effectiveFrom: edition.effectiveFrom };
  return edition.effectiveTo === undefined ? row : { ...row, effectiveTo: edition.effectiveTo };
}

type Names = readonly [itemCode: string, nameZh: string, nameEn: string];

function pesticide([itemCode, nameZh, nameEn]: Names, ...blocks: LimitBlock[]): CatalogueItem {
  return define(
    { itemCode, nameZh, nameEn, kind: 'chemical', group: 'pesticide', unit: 'mg/kg', limitType: 'max' },
    blocks,
  );
}

function contaminant(
  [itemCode, nameZh, nameEn]: Names,
  unit: UnitCode,
  ...blocks: LimitBlock[]
): CatalogueItem {
  return define(
    { itemCode, nameZh, nameEn, kind: 'chemical', group: 'heavy-metal', unit, limitType: 'max' },
    blocks,
  );
}

function veterinaryDrug([itemCode, nameZh, nameEn]: Names, ...blocks: LimitBlock[]): CatalogueItem {
  return define(
    { itemCode, nameZh, nameEn, kind: 'chemical', group: 'veterinary-drug', unit: 'µg/kg', limitType: 'max' },
    blocks,
  );
}

function additive([itemCode, nameZh, nameEn]: Names, unit: UnitCode, ...blocks: LimitBlock[]): CatalogueItem {
  return define(
    { itemCode, nameZh, nameEn, kind: 'chemical', group: 'additive', unit, limitType: 'max' },
    blocks,
  );
}

function mycotoxin([itemCode, nameZh, nameEn]: Names, ...blocks: LimitBlock[]): CatalogueItem {
  return define(
    { itemCode, nameZh, nameEn, kind: 'chemical', group: 'mycotoxin', unit: 'µg/kg', limitType: 'max' },
    blocks,
  );
}

function microbialCount([itemCode, nameZh, nameEn]: Names, ...blocks: LimitBlock[]): CatalogueItem {
  return define(
    { itemCode, nameZh, nameEn, kind: 'microbial', group: 'microbial', unit: 'CFU/g', limitType: 'max' },
    blocks,
  );
}

function pathogen([itemCode, nameZh, nameEn]: Names, ...blocks: LimitBlock[]): CatalogueItem {
  return define(
    { itemCode, nameZh, nameEn, kind: 'pathogen', group: 'pathogen', unit: null, limitType: 'max' },
    blocks,
  );
}

function quality(
  [itemCode, nameZh, nameEn]: Names,
  unit: UnitCode,
  limitType: LimitType,
  ...blocks: LimitBlock[]
): CatalogueItem {
  return define({ itemCode, nameZh, nameEn, kind: 'quality', group: 'quality', unit, limitType }, blocks);
}

// Milk products that share one limit in GB 2762 (生乳、巴氏杀菌乳、灭菌乳、发酵乳).
function liquidMilk(limit: string): LimitRows {
  return { 'raw-milk': limit, 'pasteurised-milk': limit, 'sterilised-milk': limit, 'fermented-milk': limit };
}

// ---------------------------------------------------------------------------------------------------
// The catalogue.

const PESTICIDES: readonly CatalogueItem[] = [
  // The change DESIGN.md §3 cites: GB 2763.1-2022 raised procymidone in leek from 0.2 to 5 mg/kg.
  pesticide(
    ['procymidone', '腐霉利', 'Procymidone'],
    under(GB_2763_2021, { cucumber: '2', tomato: '2' }),
    under(until(GB_2763_2021, GB_2763_1_2022), { leek: '0.2' }),
    under(GB_2763_1_2022, { leek: '5' }),
  ),
  pesticide(
    ['chlorpyrifos', '毒死蜱', 'Chlorpyrifos'],
    under(GB_2763_2021, { celery: '0.05', leek: '0.02' }),
  ),
  pesticide(['omethoate', '氧乐果', 'Omethoate'], under(GB_2763_2021, { vegetables: '0.02', fruit: '0.02' })),
  pesticide(
    ['carbofuran', '克百威', 'Carbofuran (sum with 3-hydroxycarbofuran)'],
    under(GB_2763_2021, { vegetables: '0.02', fruit: '0.02' }),
  ),
  pesticide(
    ['phorate', '甲拌磷', 'Phorate (sum with its oxon and sulfone/sulfoxide metabolites)'],
    under(GB_2763_2021, { vegetables: '0.01', fruit: '0.01' }),
  ),
  pesticide(
    ['methamidophos', '甲胺磷', 'Methamidophos'],
    under(GB_2763_2021, { vegetables: '0.05', fruit: '0.05' }),
  ),
  pesticide(['methomyl', '灭多威', 'Methomyl'], under(GB_2763_2021, { vegetables: '0.2', fruit: '0.2' })),
  pesticide(
    ['acetamiprid', '啶虫脒', 'Acetamiprid'],
    under(GB_2763_2021, { celery: '3', cucumber: '1', citrus: '0.5' }),
  ),
  pesticide(
    ['imidacloprid', '吡虫啉', 'Imidacloprid'],
    under(GB_2763_2021, { cucumber: '1', tomato: '1', citrus: '1' }),
  ),
  pesticide(
    ['chlorothalonil', '百菌清', 'Chlorothalonil'],
    under(GB_2763_2021, { cucumber: '5', tomato: '5' }),
  ),
  pesticide(
    ['cypermethrin', '氯氰菊酯和高效氯氰菊酯', 'Cypermethrin and beta-cypermethrin'],
    under(GB_2763_2021, { leek: '1', cucumber: '0.2', tomato: '0.5' }),
  ),
];

const CONTAMINANTS: readonly CatalogueItem[] = [
  // GB 2762-2022 lowered lead in liquid milk from 0.05 to 0.02 mg/kg.
  contaminant(
    ['lead', '铅', 'Lead (as Pb)'],
    'mg/kg',
    under(GB_2762, {
      vegetables: '0.1',
      'leafy-vegetables': '0.3',
      fruit: '0.1',
      cereals: '0.2',
      meat: '0.2',
      fish: '0.5',
      eggs: '0.2',
      'edible-oils': '0.1',
    }),
    under(GB_2762_2017, liquidMilk('0.05')),
    under(GB_2762_2022, liquidMilk('0.02')),
  ),
  contaminant(
    ['cadmium', '镉', 'Cadmium (as Cd)'],
    'mg/kg',
    under(GB_2762, {
      vegetables: '0.05',
      'leafy-vegetables': '0.2',
      fruit: '0.05',
      rice: '0.2',
      'wheat-flour': '0.1',
      meat: '0.1',
      fish: '0.1',
      eggs: '0.05',
    }),
  ),
  contaminant(
    ['total-mercury', '总汞', 'Total mercury (as Hg)'],
    'mg/kg',
    under(GB_2762, { vegetables: '0.01', rice: '0.02', meat: '0.05', eggs: '0.05', ...liquidMilk('0.01') }),
  ),
  contaminant(['methylmercury', '甲基汞', 'Methylmercury (as Hg)'], 'mg/kg', under(GB_2762, { fish: '0.5' })),
  contaminant(
    ['inorganic-arsenic', '无机砷', 'Inorganic arsenic (as As)'],
    'mg/kg',
    under(GB_2762, { rice: '0.2', fish: '0.1' }),
  ),
  contaminant(
    ['total-arsenic', '总砷', 'Total arsenic (as As)'],
    'mg/kg',
    under(GB_2762, { vegetables: '0.5', 'edible-oils': '0.1', ...liquidMilk('0.1') }),
  ),
  contaminant(
    ['chromium', '铬', 'Chromium (as Cr)'],
    'mg/kg',
    under(GB_2762, {
      cereals: '1',
      vegetables: '0.5',
      meat: '1',
      fish: '2',
      eggs: '1',
      ...liquidMilk('0.3'),
    }),
  ),
  contaminant(
    ['benzo-a-pyrene', '苯并[a]芘', 'Benzo[a]pyrene'],
    'µg/kg',
    under(GB_2762, { cereals: '5', 'edible-oils': '10' }),
  ),
];

const VETERINARY_DRUGS: readonly CatalogueItem[] = [
  veterinaryDrug(
    ['enrofloxacin', '恩诺沙星', 'Enrofloxacin (sum of enrofloxacin and ciprofloxacin)'],
    // Muscle of livestock and poultry, fish skin with muscle; banned in laying hens (产蛋期禁用).
    under(GB_31650_2019, { meat: '100', fish: '100', eggs: '0' }),
  ),
  veterinaryDrug(
    ['sulfonamides', '磺胺类', 'Sulfonamides (sum of parent compounds)'],
    under(GB_31650_2019, { meat: '100', fish: '100', 'milk-and-dairy': '100' }),
  ),
  veterinaryDrug(
    ['florfenicol', '氟苯尼考', 'Florfenicol (sum with florfenicol amine)'],
    under(GB_31650_2019, { fish: '1000', eggs: '0' }),
  ),
  veterinaryDrug(
    ['chloramphenicol', '氯霉素', 'Chloramphenicol'],
    under(MARA_250, { meat: '0', 'aquatic-products': '0', eggs: '0', 'milk-and-dairy': '0' }),
  ),
  veterinaryDrug(
    ['furazolidone-metabolite', '呋喃唑酮代谢物', 'Furazolidone metabolite (AOZ)'],
    under(MARA_250, { meat: '0', 'aquatic-products': '0', eggs: '0' }),
  ),
  veterinaryDrug(
    ['malachite-green', '孔雀石绿', 'Malachite green (sum with leucomalachite green)'],
    under(MARA_250, { 'aquatic-products': '0' }),
  ),
  veterinaryDrug(['clenbuterol', '克伦特罗', 'Clenbuterol'], under(MARA_250, { meat: '0' })),
];

const ADDITIVES: readonly CatalogueItem[] = [
  additive(
    ['benzoic-acid', '苯甲酸及其钠盐（以苯甲酸计）', 'Benzoic acid and sodium benzoate (as benzoic acid)'],
    'g/kg',
    under(GB_2760, {
      'carbonated-beverages': '0.2',
      'soy-sauce': '1',
      'pickled-vegetables': '1',
      'bakery-products': '0',
    }),
  ),
  additive(
    ['sorbic-acid', '山梨酸及其钾盐（以山梨酸计）', 'Sorbic acid and potassium sorbate (as sorbic acid)'],
    'g/kg',
    under(GB_2760, {
      'soy-sauce': '1',
      'pickled-vegetables': '1',
      'bakery-products': '1',
      'cooked-meat': '0.075',
    }),
  ),
  // GB 2760-2024 withdrew dehydroacetic acid from bread and pastries.
  additive(
    [
      'dehydroacetic-acid',
      '脱氢乙酸及其钠盐（以脱氢乙酸计）',
      'Dehydroacetic acid and its sodium salt (as dehydroacetic acid)',
    ],
    'g/kg',
    under(GB_2760_2014, { 'bakery-products': '0.5' }),
    under(GB_2760_2024, { 'bakery-products': '0' }),
  ),
  additive(
    ['sulphur-dioxide', '二氧化硫残留量', 'Sulphur dioxide residue (as SO₂)'],
    'g/kg',
    under(GB_2760, { 'preserved-fruit': '0.35', 'pickled-vegetables': '0.1' }),
  ),
  additive(
    ['aluminium', '铝的残留量（干样品，以Al计）', 'Aluminium residue (dry basis, as Al)'],
    'mg/kg',
    under(GB_2760, { 'bakery-products': '100' }),
  ),
  additive(
    ['saccharin', '糖精钠（以糖精计）', 'Sodium saccharin (as saccharin)'],
    'g/kg',
    under(GB_2760, { 'preserved-fruit': '1', 'pickled-vegetables': '0.15', 'bakery-products': '0' }),
  ),
  additive(
    ['acesulfame', '安赛蜜（乙酰磺胺酸钾）', 'Acesulfame potassium'],
    'g/kg',
    under(GB_2760, { beverages: '0.3', 'bakery-products': '0.3' }),
  ),
  additive(
    ['cyclamate', '甜蜜素（以环己基氨基磺酸计）', 'Sodium cyclamate (as cyclamic acid)'],
    'g/kg',
    under(GB_2760, {
      'preserved-fruit': '1',
      'bakery-products': '1.6',
      beverages: '0.65',
      'pickled-vegetables': '1',
    }),
  ),
  additive(
    ['nitrite', '亚硝酸盐（以亚硝酸钠计）残留量', 'Nitrite residue (as sodium nitrite)'],
    'mg/kg',
    under(GB_2760, { 'cooked-meat': '30' }),
  ),
];

const MYCOTOXINS: readonly CatalogueItem[] = [
  mycotoxin(
    ['aflatoxin-b1', '黄曲霉毒素B1', 'Aflatoxin B1'],
    under(GB_2761_2017, {
      maize: '20',
      rice: '10',
      'wheat-flour': '5',
      'edible-oils': '10',
      'peanut-oil': '20',
      'soy-sauce': '5',
      'infant-formula': '0.5',
    }),
  ),
  mycotoxin(
    ['aflatoxin-m1', '黄曲霉毒素M1', 'Aflatoxin M1'],
    under(GB_2761_2017, { 'milk-and-dairy': '0.5', 'infant-formula': '0.5' }),
  ),
  mycotoxin(
    ['deoxynivalenol', '脱氧雪腐镰刀菌烯醇（呕吐毒素）', 'Deoxynivalenol (vomitoxin)'],
    under(GB_2761_2017, { maize: '1000', 'wheat-flour': '1000' }),
  ),
  mycotoxin(
    ['zearalenone', '玉米赤霉烯酮', 'Zearalenone'],
    under(GB_2761_2017, { maize: '60', 'wheat-flour': '60' }),
  ),
];

const MICROBIAL_COUNTS: readonly CatalogueItem[] = [
  // M of n=5 c=2: pasteurised milk m=5×10⁴, bakery and cooked meat m=10⁴, soy sauce m=5×10³.
  // GB 2717-2018 replaced soy sauce's single limit of 3×10⁴ CFU/mL by the sampling plan.
  microbialCount(
    ['total-aerobic-count', '菌落总数', 'Total aerobic count'],
    under(GB_19645_2010, { 'pasteurised-milk': '100000' }, 'CFU/mL'),
    under(GB_7099_2015, { 'bakery-products': '100000' }),
    under(GB_2726_2016, { 'cooked-meat': '100000' }),
    under(GB_2717_2003, { 'soy-sauce': '30000' }, 'CFU/mL'),
    under(GB_2717_2018, { 'soy-sauce': '50000' }, 'CFU/mL'),
  ),
  // M of n=5 c=2: pasteurised milk m=1, bakery, cooked meat and soy sauce m=10. Before 2019 soy sauce
  // counted coliforms by MPN (≤ 30 MPN/100 mL).
  microbialCount(
    ['coliforms', '大肠菌群', 'Coliforms'],
    under(GB_19645_2010, { 'pasteurised-milk': '5' }, 'CFU/mL'),
    under(GB_7099_2015, { 'bakery-products': '100' }),
    under(GB_2726_2016, { 'cooked-meat': '100' }),
    under(GB_2717_2003, { 'soy-sauce': '30' }, 'MPN/100mL'),
    under(GB_2717_2018, { 'soy-sauce': '100' }, 'CFU/mL'),
  ),
  // Single limits, no sampling plan.
  microbialCount(
    ['moulds', '霉菌', 'Moulds'],
    under(GB_7099_2015, { 'bakery-products': '150' }),
    under(GB_19302_2010, { 'fermented-milk': '30' }),
  ),
  microbialCount(['yeasts', '酵母', 'Yeasts'], under(GB_19302_2010, { 'fermented-milk': '100' })),
];

const PATHOGENS: readonly CatalogueItem[] = [
  pathogen(
    ['salmonella', '沙门氏菌', 'Salmonella'],
    under(GB_29921, { 'cooked-meat': '0', 'milk-and-dairy': '0', 'bakery-products': '0' }),
  ),
  // Qualitative only where the product standard says 0/25 g (mL); elsewhere GB 29921 counts it
  // (n=5 c=1 m=100 M=1000 CFU/g), which this catalogue does not model.
  pathogen(
    ['staphylococcus-aureus', '金黄色葡萄球菌', 'Staphylococcus aureus'],
    under(GB_19645_2010, { 'pasteurised-milk': '0' }),
    under(GB_19302_2010, { 'fermented-milk': '0' }),
  ),
  pathogen(
    ['listeria-monocytogenes', '单核细胞增生李斯特氏菌', 'Listeria monocytogenes'],
    under(GB_29921, { 'cooked-meat': '0' }),
  ),
  // GB 29921 applies it to beef products only.
  pathogen(
    ['e-coli-o157-h7', '大肠埃希氏菌O157:H7', 'Escherichia coli O157:H7'],
    under(GB_29921, { 'cooked-beef': '0' }),
  ),
  // The old hygiene standard listed Shigella; GB 29921-2013 dropped it. Kept to judge old records.
  pathogen(['shigella', '志贺氏菌', 'Shigella'], under(GB_2726_2005, { 'cooked-meat': '0' })),
];

const QUALITY_INDICES: readonly CatalogueItem[] = [
  quality(
    ['protein', '蛋白质', 'Protein'],
    'g/100g',
    'min',
    under(GB_19301_2010, { 'raw-milk': '2.8' }),
    under(GB_19645_2010, { 'pasteurised-milk': '2.9' }),
    under(GB_25190_2010, { 'sterilised-milk': '2.9' }),
    under(GB_19302_2010, { 'fermented-milk': '2.9' }),
  ),
  // Whole-milk products only (全脂).
  quality(
    ['fat', '脂肪', 'Fat'],
    'g/100g',
    'min',
    under(GB_19301_2010, { 'raw-milk': '3.1' }),
    under(GB_19645_2010, { 'pasteurised-milk': '3.1' }),
    under(GB_25190_2010, { 'sterilised-milk': '3.1' }),
    under(GB_19302_2010, { 'fermented-milk': '3.1' }),
  ),
  quality(
    ['non-fat-milk-solids', '非脂乳固体', 'Non-fat milk solids'],
    'g/100g',
    'min',
    under(GB_19301_2010, { 'raw-milk': '8.1' }),
    under(GB_19645_2010, { 'pasteurised-milk': '8.1' }),
    under(GB_25190_2010, { 'sterilised-milk': '8.1' }),
    under(GB_19302_2010, { 'fermented-milk': '8.1' }),
  ),
  // Acid value is mg KOH per g of oil (of the fat, for bakery); a mass ratio, so it is carried as g/kg.
  quality(
    ['acid-value', '酸价（以KOH计）', 'Acid value (mg KOH/g, carried as g/kg)'],
    'g/kg',
    'max',
    under(GB_2716_2018, { 'edible-oils': '3' }),
    under(GB_7099_2015, { 'bakery-products': '5' }),
  ),
  quality(
    ['peroxide-value', '过氧化值', 'Peroxide value'],
    'g/100g',
    'max',
    under(GB_2716_2018, { 'edible-oils': '0.25' }),
    under(GB_7099_2015, { 'bakery-products': '0.25' }),
  ),
];

/** The whole catalogue, frozen, grouped by family. Served as is by `GET /v1/items`. */
export const ITEMS: readonly CatalogueItem[] = Object.freeze([
  ...PESTICIDES,
  ...CONTAMINANTS,
  ...VETERINARY_DRUGS,
  ...ADDITIVES,
  ...MYCOTOXINS,
  ...MICROBIAL_COUNTS,
  ...PATHOGENS,
  ...QUALITY_INDICES,
]);

const BY_CODE: ReadonlyMap<string, CatalogueItem> = new Map(ITEMS.map((item) => [item.itemCode, item]));

/**
 * Each item's limits grouped by food category, in catalogue order: judging looks limits up for every
 * item of every report, and a scan of all of an item's rows was a tenth of the contract's time.
 */
const LIMITS_BY_CATEGORY: ReadonlyMap<string, ReadonlyMap<string, readonly CatalogueLimit[]>> = new Map(
  ITEMS.map((item) => {
    const byCategory = new Map<string, CatalogueLimit[]>();
    for (const limit of item.limits) {
      const rows = byCategory.get(limit.category) ?? [];
      rows.push(limit);
      byCategory.set(limit.category, rows);
    }
    return [item.itemCode, byCategory];
  }),
);

/** Every item code, in catalogue order. */
export const ITEM_CODES: readonly string[] = Object.freeze(ITEMS.map((item) => item.itemCode));

const ISO_DATE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;

/** The item with this code, or `undefined`. */
export function findItem(itemCode: string): CatalogueItem | undefined {
  return BY_CODE.get(itemCode);
}

/**
 * The item with this code.
 *
 * @throws ValidationError `ITEM.UNKNOWN`, pointing at the list endpoint.
 */
export function requireItem(itemCode: string): CatalogueItem {
  const item = BY_CODE.get(itemCode);
  if (item === undefined) {
    throw new ValidationError('ITEM.UNKNOWN', unknownItemMessage(itemCode));
  }
  return item;
}

/**
 * The zod schema of an `itemCode` field: a code of this catalogue.
 *
 * @example itemCodeSchema.parse('lead') // 'lead'
 */
export const itemCodeSchema = z
  .string({ error: 'itemCode must be a string; the catalogue is listed at GET /v1/items' })
  .refine((code) => BY_CODE.has(code), { error: (issue) => unknownItemMessage(issue.input) });

/**
 * The limit of an item for a food category in force on a date: the row whose
 * [effectiveFrom, effectiveTo) contains the date, for the category itself or else its nearest ancestor
 * that has one. Dates compare as ISO strings, without any clock.
 *
 * @example limitInForce('procymidone', 'leek', '2023-05-11')?.limit // '5'
 * @returns `undefined` when the catalogue sets no limit for the category on that date.
 * @throws ValidationError `ITEM.UNKNOWN`, `CATEGORY.UNKNOWN`, or `DATE.INVALID` when `onDate` is not
 *   `YYYY-MM-DD`.
 */
export function limitInForce(
  itemCode: string,
  category: FoodCategoryCode,
  onDate: string,
): CatalogueLimit | undefined {
  const item = requireItem(itemCode);
  if (!ISO_DATE.test(onDate)) {
    throw new ValidationError(
      'DATE.INVALID',
      `onDate must be an ISO date (YYYY-MM-DD), got ${JSON.stringify(onDate.slice(0, 40))}`,
    );
  }
  const byCategory = LIMITS_BY_CATEGORY.get(item.itemCode);
  for (const candidate of categoryLineage(category)) {
    const row = byCategory
      ?.get(candidate)
      ?.find(
        (limit) =>
          limit.effectiveFrom <= onDate && (limit.effectiveTo === undefined || onDate < limit.effectiveTo),
      );
    if (row !== undefined) {
      return row;
    }
  }
  return undefined;
}

function unknownItemMessage(raw: unknown): string {
  const shown = typeof raw === 'string' ? raw.slice(0, 60) : typeof raw;
  return `unknown itemCode "${shown}"; the catalogue is listed at GET /v1/items`;
}
