import { itemResultInputSchema, type ItemResultInput } from '../../../src/records/item-result.schema';
import {
  applicableLimit,
  comparableValue,
  judge,
  judgeItem,
  resolvedUnit,
  type JudgingContext,
} from '../../../src/rules/verdict.rules';

/** An item result as the schema would hand it over (so every example is a valid input). */
function item(input: Record<string, unknown>): ItemResultInput {
  return itemResultInputSchema.parse({ verdict: 'pass', ...input });
}

const VEGETABLES_2024: JudgingContext = { category: 'vegetables', onDate: '2024-05-01' };

describe('judging against a maximum', () => {
  it.each([
    [0.1, 'pass'],
    [0.0999, 'pass'],
    [0.1001, 'fail'],
    [0, 'pass'],
  ])('judges lead %p mg/kg against a declared maximum of 0.1 as %s', (value, verdict) => {
    const judged = judgeItem(item({ itemCode: 'lead', value, limit: 0.1 }), VEGETABLES_2024);
    expect(judged.judgement.verdict).toBe(verdict);
  });

  it('passes a value equal to the limit even when float arithmetic would say otherwise', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floats; 0.3 as sent is exactly the limit.
    const judged = judgeItem(item({ itemCode: 'lead', value: 0.3, limit: 0.3 }), VEGETABLES_2024);
    expect(judged.judgement.verdict).toBe('pass');
  });

  it('passes not detected against a maximum, even when the limit of detection is above the limit', () => {
    const judged = judgeItem(item({ itemCode: 'lead', nd: true, lod: 0.5, limit: 0.1 }), VEGETABLES_2024);
    expect(judged.judgement.verdict).toBe('pass');
  });

  it('fails any quantified value of a substance that is not permitted (limit 0)', () => {
    const context: JudgingContext = { category: 'meat', onDate: '2024-05-01' };
    expect(judgeItem(item({ itemCode: 'clenbuterol', value: 0.01 }), context).judgement.verdict).toBe('fail');
    expect(judgeItem(item({ itemCode: 'clenbuterol', value: 0 }), context).judgement.verdict).toBe('pass');
    expect(judgeItem(item({ itemCode: 'clenbuterol', nd: true, lod: 0.1 }), context).judgement.verdict).toBe(
      'pass',
    );
  });

  it('judges on the figure, not on the verdict the lab sent', () => {
    const judged = judgeItem(item({ itemCode: 'lead', value: 0.5, verdict: 'pass' }), VEGETABLES_2024);
    expect(judged.verdict).toBe('pass');
    expect(judged.judgement.verdict).toBe('fail');
  });
});

describe('judging against a minimum', () => {
  const MILK: JudgingContext = { category: 'pasteurised-milk', onDate: '2024-05-01' };

  it.each([
    [2.9, 'pass'],
    [3.2, 'pass'],
    [2.89, 'fail'],
  ])('judges protein %p g/100g in pasteurised milk (minimum 2.9) as %s', (value, verdict) => {
    const judged = judgeItem(item({ itemCode: 'protein', value }), MILK);
    expect(judged.judgement).toMatchObject({ limit: '2.9', limitType: 'min', verdict });
  });

  it('counts not detected as half its limit of detection against a minimum', () => {
    expect(judgeItem(item({ itemCode: 'protein', nd: true, lod: 6 }), MILK).judgement.verdict).toBe('pass');
    expect(judgeItem(item({ itemCode: 'protein', nd: true, lod: 5.6 }), MILK).judgement.verdict).toBe('fail');
  });

  it('judges a declared minimum on a maximum item as a minimum', () => {
    const judged = judgeItem(
      item({ itemCode: 'lead', value: 0.05, limit: 0.1, limitType: 'min' }),
      VEGETABLES_2024,
    );
    expect(judged.judgement).toMatchObject({ limitType: 'min', verdict: 'fail', basis: 'declared' });
  });
});

describe('the limit that applies', () => {
  it.each([
    ['2023-05-10', '0.2', 'GB 2763-2021', '2021-09-03', 'fail'],
    ['2023-05-11', '5', 'GB 2763.1-2022', '2023-05-11', 'pass'],
  ])(
    'judges procymidone 1 mg/kg in leek sampled on %s against %s mg/kg',
    (onDate, limit, standard, effectiveFrom, verdict) => {
      const judged = judgeItem(item({ itemCode: 'procymidone', value: 1 }), { category: 'leek', onDate });
      expect(judged.judgement).toEqual({ verdict, limit, limitType: 'max', basis: standard, effectiveFrom });
    },
  );

  it('finds no catalogue limit before the first edition the catalogue holds', () => {
    const early = item({ itemCode: 'procymidone', value: 1 });
    expect(applicableLimit(early, { category: 'leek', onDate: '2021-09-02' })).toBeUndefined();
    expect(() => judgeItem(early, { category: 'leek', onDate: '2021-09-02' })).toThrow(RangeError);
  });

  it('finds no catalogue limit without a product category', () => {
    expect(
      applicableLimit(item({ itemCode: 'lead', value: 0.05 }), { onDate: '2024-05-01' }),
    ).toBeUndefined();
  });

  it('uses the limit of the nearest parent category that has one', () => {
    const lead = item({ itemCode: 'lead', value: 0.2 });
    expect(applicableLimit(lead, { category: 'leek', onDate: '2024-05-01' })).toMatchObject({ limit: '0.1' });
    expect(applicableLimit(lead, { category: 'celery', onDate: '2024-05-01' })).toMatchObject({
      limit: '0.3',
    });
  });

  it('converts the catalogue limit to the unit the result is reported in, exactly', () => {
    const inMicrograms = (value: number) => item({ itemCode: 'lead', value, unit: 'µg/kg' });
    expect(applicableLimit(inMicrograms(100), VEGETABLES_2024)).toMatchObject({
      limit: '100',
      basis: 'GB 2762-2022',
    });
    expect(judgeItem(inMicrograms(100), VEGETABLES_2024).judgement.verdict).toBe('pass');
    expect(judgeItem(inMicrograms(101), VEGETABLES_2024).judgement.verdict).toBe('fail');
  });

  it('converts a count limit set per mL to a result reported per g', () => {
    const count = item({ itemCode: 'total-aerobic-count', value: 100000 });
    const judged = judgeItem(count, { category: 'pasteurised-milk', onDate: '2024-05-01' });
    expect(judged.unit).toBe('CFU/g');
    expect(judged.judgement).toMatchObject({ limit: '100000', basis: 'GB 19645-2010', verdict: 'pass' });
  });

  it('prefers a declared limit to the catalogue, recording it as declared', () => {
    const declared = item({ itemCode: 'procymidone', value: 1, limit: 0.5 });
    const judged = judgeItem(declared, { category: 'leek', onDate: '2024-05-01' });
    expect(judged.judgement).toEqual({ verdict: 'fail', limit: '0.5', limitType: 'max', basis: 'declared' });
  });
});

describe('qualitative items', () => {
  it.each([
    ['detected', 'fail'],
    ['not-detected', 'pass'],
  ])('judges salmonella %s as %s, without a limit figure', (result, verdict) => {
    const judged = judgeItem(item({ itemCode: 'salmonella', result }), {
      category: 'cooked-meat',
      onDate: '2024-05-01',
    });
    expect(judged.judgement).toEqual({ verdict, limit: null, limitType: 'max', basis: 'qualitative' });
    expect(judged).not.toHaveProperty('unit');
  });
});

describe('units and comparable figures', () => {
  it('resolves a missing unit to the catalogue unit and keeps a given one', () => {
    expect(resolvedUnit(item({ itemCode: 'lead', value: 1 }))).toBe('mg/kg');
    expect(resolvedUnit(item({ itemCode: 'lead', value: 1, unit: 'ug/kg' }))).toBe('µg/kg');
    expect(resolvedUnit(item({ itemCode: 'salmonella', result: 'detected' }))).toBeUndefined();
  });

  it('stores the resolved unit with the judged result', () => {
    expect(judgeItem(item({ itemCode: 'lead', value: 0.05 }), VEGETABLES_2024).unit).toBe('mg/kg');
  });

  it('stands a result for its value, half its limit of detection when not detected, or 0 without one', () => {
    expect(comparableValue(item({ itemCode: 'lead', value: 0.05 })).toString()).toBe('0.05');
    expect(comparableValue(item({ itemCode: 'lead', nd: true, lod: 0.01 })).toString()).toBe('0.005');
    expect(comparableValue(item({ itemCode: 'lead', nd: true })).toString()).toBe('0');
  });

  it('refuses to judge a quantitative result without a limit', () => {
    expect(() => judge(item({ itemCode: 'lead', value: 1 }), undefined)).toThrow(RangeError);
  });
});
