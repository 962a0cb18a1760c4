import fc from 'fast-check';
import { itemResultInputSchema } from '../../../src/records/item-result.schema';
import { dec } from '../../../src/rules/decimal';
import { compareItemResults, horwitzSigma, type ComparisonOutcome } from '../../../src/rules/deviation.rules';
import { judgeItem, type JudgedItemResult, type JudgingContext } from '../../../src/rules/verdict.rules';

const VEGETABLES: JudgingContext = { category: 'vegetables', onDate: '2024-05-01' };
const BAKERY: JudgingContext = { category: 'bakery-products', onDate: '2024-05-01' };
const MILK: JudgingContext = { category: 'pasteurised-milk', onDate: '2024-05-01' };
/** A declared limit far above every figure below, so that both sides pass and only statistics speak. */
const HIGH_LIMIT = 1e9;

/** One item result, checked by the schema and judged as the ledger stores it. */
function judged(input: Record<string, unknown>, context: JudgingContext = VEGETABLES): JudgedItemResult {
  return judgeItem(itemResultInputSchema.parse({ verdict: 'pass', ...input }), context);
}

/** Two passing results of `itemCode` with the given figures (and extra fields on each side). */
function compareFigures(
  itemCode: string,
  official: Record<string, unknown>,
  self: Record<string, unknown>,
): ComparisonOutcome {
  return compareItemResults(
    judged({ itemCode, limit: HIGH_LIMIT, ...official }),
    judged({ itemCode, limit: HIGH_LIMIT, ...self }),
  );
}

const peroxide = (official: number, self: number): ComparisonOutcome =>
  compareFigures('peroxide-value', { value: official, unit: 'g/100g' }, { value: self, unit: 'g/100g' });
const aflatoxin = (official: number, self: number): ComparisonOutcome =>
  compareFigures('aflatoxin-b1', { value: official }, { value: self });
const count = (official: number, self: number): ComparisonOutcome =>
  compareFigures('total-aerobic-count', { value: official }, { value: self });

describe('Horwitz–Thompson σ', () => {
  it('is 0.22·c below 1.2×10⁻⁷', () => {
    expect(horwitzSigma(dec('5e-8')).toString()).toBe('1.1e-8');
    expect(horwitzSigma(dec('1.1999e-7')).eq(dec('1.1999e-7').times('0.22'))).toBe(true);
  });

  it('is 0.02·c^0.8495 from 1.2×10⁻⁷ up to and including 0.138', () => {
    for (const c of [1.2e-7, 1e-6, 0.001, 0.138]) {
      const sigma = horwitzSigma(dec(c)).toNumber();
      expect(sigma / (0.02 * Math.pow(c, 0.8495))).toBeCloseTo(1, 12);
    }
    // At 1 mg/kg the relative standard deviation is the textbook 16 %.
    expect(horwitzSigma(dec('1e-6')).toNumber() / 1e-6).toBeCloseTo(0.16, 2);
  });

  it('is 0.01·√c above 0.138', () => {
    expect(horwitzSigma(dec('0.16')).toString()).toBe('0.004');
    expect(horwitzSigma(dec('0.25')).toString()).toBe('0.005');
    expect(horwitzSigma(dec('0.1380001')).toNumber()).toBeCloseTo(0.01 * Math.sqrt(0.1380001), 15);
  });

  it('changes formula exactly at the two bounds', () => {
    expect(horwitzSigma(dec('1.2e-7')).eq(dec('1.2e-7').times('0.22'))).toBe(false);
    expect(horwitzSigma(dec('0.138')).eq(dec('0.138').sqrt().times('0.01'))).toBe(false);
  });
});

describe('z against the Horwitz σ (rule 4)', () => {
  // Above 0.138 the √2·σ of the mean is 0.01·√(xO + xS): with xO + xS = 0.36 (36 g/100g) it is
  // exactly 0.006, i.e. 0.6 g/100g, so z lands exactly where the thresholds are.
  it.each([
    [18.9, 17.1, 3, 'high'],
    [18.897, 17.103, 2.99, 'warning'],
    [18.6, 17.4, 2, 'warning'],
    [18.597, 17.403, 1.99, null],
    [17.403, 18.597, -1.99, null],
    [17.4, 18.6, -2, 'warning'],
    [17.103, 18.897, -2.99, 'warning'],
    [17.1, 18.9, -3, 'warning'],
  ])('rates official %p against self %p g/100g (z = %p) as %p', (official, self, z, severity) => {
    const outcome = peroxide(official, self);
    expect(outcome.metrics.z).toBe(z);
    expect(outcome.severity).toBe(severity);
    expect(outcome.rule).toBe(severity === null ? null : 'horwitz-z');
  });

  // Below 1.2×10⁻⁷ z = √2·(xO − xS)/(0.22·(xO + xS)): with the sum 100 µg/kg, z = 2 at a difference of
  // 31.11270 and z = 3 at 46.66905 (√2 makes the exact points irrational).
  it.each([
    [65.55635, 34.44365, 'warning'],
    [65.5563, 34.4437, null],
    [73.3346, 26.6654, 'high'],
    [73.3345, 26.6655, 'warning'],
  ])('rates aflatoxin B1 %p against %p µg/kg, in the low region, as %p', (official, self, severity) => {
    expect(aflatoxin(official, self).severity).toBe(severity);
  });

  it('reports the relative difference and both figures', () => {
    const outcome = peroxide(18.6, 17.4);
    expect(outcome.metrics.relDiff).toBe(0.0667);
    expect(outcome).toMatchObject({ officialValue: '18.6', selfValue: '17.4', unit: 'g/100g' });
  });

  it('finds nothing, and no z, when both figures are zero', () => {
    const outcome = compareFigures('lead', { value: 0 }, { value: 0 });
    expect(outcome.severity).toBeNull();
    expect(outcome.metrics).toEqual({});
  });

  it('uses the Horwitz σ when only one side gives an uncertainty', () => {
    const outcome = compareFigures('lead', { value: 2, uncertainty: 0.6 }, { value: 1 });
    expect(outcome.rule).toBe('horwitz-z');
    expect(outcome.severity).toBe('high');
  });
});

describe('En number (rule 3)', () => {
  const en = (xO: number, uO: number, xS: number, uS: number): ComparisonOutcome =>
    compareFigures('lead', { value: xO, uncertainty: uO }, { value: xS, uncertainty: uS });

  it('finds nothing at |En| = 1 exactly, in either direction', () => {
    // √(0.18² + 0.24²) = 0.3
    expect(en(1.3, 0.18, 1.0, 0.24)).toMatchObject({ severity: null, rule: null, metrics: { en: 1 } });
    expect(en(1.0, 0.18, 1.3, 0.24)).toMatchObject({ severity: null, rule: null, metrics: { en: -1 } });
  });

  it('raises high just above En = 1 when the official figure is higher, and warning when it is lower', () => {
    expect(en(1.31, 0.18, 1.0, 0.24)).toMatchObject({ severity: 'high', rule: 'en-number' });
    expect(en(1.0, 0.18, 1.31, 0.24)).toMatchObject({ severity: 'warning', rule: 'en-number' });
  });

  it('takes the place of the Horwitz z when both uncertainties are given', () => {
    // Without uncertainties 2 against 1 mg/kg is z ≈ 3.1 (high); with them En = 1/√(0.36 + 0.64) = 1.
    expect(compareFigures('lead', { value: 2 }, { value: 1 }).severity).toBe('high');
    expect(en(2, 0.6, 1, 0.8)).toMatchObject({ severity: null, rule: null, metrics: { en: 1 } });
    expect(en(2, 0.6, 1, 0.79).severity).toBe('high');
  });

  it('converts the self-test uncertainty to the official unit', () => {
    const outcome = compareFigures(
      'lead',
      { value: 1.3, uncertainty: 0.18 },
      { value: 1000, uncertainty: 240, unit: 'µg/kg' },
    );
    expect(outcome).toMatchObject({ severity: null, metrics: { en: 1 }, selfValue: '1', unit: 'mg/kg' });
  });
});

describe('microbial counts (rule 2)', () => {
  it.each([
    [1000, 100, 1, 'high'],
    [100, 1000, -1, 'warning'],
    [31623, 100, 2.5, 'high'],
    [316.23, 100, 0.5, 'warning'],
    [316.22, 100, 0.5, null],
    [100, 316.23, -0.5, 'warning'],
    [100, 316.22, -0.5, null],
  ])('rates %p against %p CFU/g (Δ ≈ %p) as %p', (official, self, delta, severity) => {
    const outcome = count(official, self);
    expect(outcome.metrics.delta).toBeCloseTo(delta, 4);
    expect(outcome.severity).toBe(severity);
    expect(outcome.rule).toBe(severity === null ? null : 'microbial-log');
  });

  it('counts anything below 1 CFU/g as 1', () => {
    // Unclamped these would be log10(10) = 1 (high) and log10(9) ≈ 0.95 (warning).
    expect(count(5, 0.5)).toMatchObject({ severity: 'warning', metrics: { delta: 0.699 } });
    expect(count(0.9, 0.1)).toMatchObject({ severity: null, metrics: { delta: 0 } });
  });

  it('uses the log difference even when both sides give uncertainties', () => {
    const outcome = compareFigures(
      'total-aerobic-count',
      { value: 1000, uncertainty: 5000 },
      { value: 100, uncertainty: 5000 },
    );
    expect(outcome).toMatchObject({ severity: 'high', rule: 'microbial-log' });
    expect(outcome.metrics.en).toBeUndefined();
  });

  it('compares a count per mL with a count per g one to one', () => {
    const outcome = compareFigures(
      'total-aerobic-count',
      { value: 1000, unit: 'CFU/mL' },
      { value: 100, unit: 'CFU/g' },
    );
    expect(outcome).toMatchObject({
      severity: 'high',
      metrics: { delta: 1 },
      selfValue: '100',
      unit: 'CFU/mL',
    });
  });

  it('counts a count not detected as half its limit of detection', () => {
    const outcome = compareFigures('total-aerobic-count', { nd: true, lod: 10 }, { value: 500 });
    expect(outcome).toMatchObject({ severity: 'warning', metrics: { delta: -2 }, officialValue: '5' });
  });
});

describe('not detected', () => {
  it('counts an official result not detected as half its limit of detection', () => {
    const outcome = compareFigures('lead', { nd: true, lod: 0.04 }, { value: 0.02 });
    expect(outcome).toMatchObject({ severity: null, officialValue: '0.02', metrics: { z: 0 } });
  });

  it('counts a result not detected without a limit of detection as 0', () => {
    expect(compareFigures('lead', { nd: true }, { value: 0.5 })).toMatchObject({
      severity: 'warning',
      rule: 'horwitz-z',
      officialValue: '0',
    });
    expect(compareFigures('lead', { value: 0.5 }, { nd: true })).toMatchObject({
      severity: 'high',
      rule: 'horwitz-z',
      selfValue: '0',
    });
  });

  it('converts the self-test limit of detection before halving it', () => {
    const outcome = compareFigures('lead', { value: 0.02 }, { nd: true, lod: 40, unit: 'µg/kg' });
    expect(outcome).toMatchObject({ severity: null, selfValue: '0.02', metrics: { z: 0 } });
  });

  it('finds no deviation when both sides are not detected, however far apart their limits of detection', () => {
    const outcome = compareFigures('lead', { nd: true, lod: 10 }, { nd: true, lod: 0.001 });
    expect(outcome).toMatchObject({ severity: null, rule: null });
    expect(outcome.metrics).toEqual({});
    expect(outcome.officialValue).toBeUndefined();
  });
});

describe('unit conversion', () => {
  it('compares a self-test in µg/kg with an official result in mg/kg in mg/kg', () => {
    const outcome = compareFigures('lead', { value: 0.3 }, { value: 100, unit: 'µg/kg' });
    expect(outcome).toMatchObject({ unit: 'mg/kg', officialValue: '0.3', selfValue: '0.1' });
    expect(outcome).toEqual(compareFigures('lead', { value: 0.3 }, { value: 0.1 }));
  });

  it('reaches the same outcome whichever mass unit the self-test uses', () => {
    const microgramsPerKg = fc.integer({ min: 0, max: 5_000_000 });
    fc.assert(
      fc.property(microgramsPerKg, microgramsPerKg, fc.boolean(), (o, s, withUncertainty) => {
        const u = withUncertainty ? { uncertainty: 0.1 } : {};
        const inMilligrams = compareFigures('lead', { value: o / 1000, ...u }, { value: s / 1000, ...u });
        const inMicrograms = compareFigures(
          'lead',
          { value: o / 1000, ...u },
          { value: s, unit: 'µg/kg', ...(withUncertainty ? { uncertainty: 100 } : {}) },
        );
        expect(inMicrograms).toEqual(inMilligrams);
      }),
    );
  });
});

describe('verdict conflict (rule 1)', () => {
  it('raises critical when the official result fails and the self-test passes, even when the figures agree', () => {
    // Lead in vegetables: 0.1 mg/kg. 0.11 against 0.1 is far inside the Horwitz band.
    const outcome = compareItemResults(
      judged({ itemCode: 'lead', value: 0.11 }),
      judged({ itemCode: 'lead', value: 0.1 }),
    );
    expect(outcome).toMatchObject({
      severity: 'critical',
      rule: 'verdict-conflict',
      officialVerdict: 'fail',
      selfVerdict: 'pass',
    });
    expect(Math.abs(outcome.metrics.z ?? Number.NaN)).toBeLessThan(2);
  });

  it('raises critical rather than the high the statistics would give', () => {
    const outcome = compareItemResults(
      judged({ itemCode: 'lead', value: 0.5 }),
      judged({ itemCode: 'lead', value: 0.05 }),
    );
    expect(outcome.metrics.z).toBeGreaterThan(3);
    expect(outcome).toMatchObject({ severity: 'critical', rule: 'verdict-conflict' });
  });

  it('raises critical for a count over its limit against a passing self-test', () => {
    const outcome = compareItemResults(
      judged({ itemCode: 'total-aerobic-count', value: 200000 }, BAKERY),
      judged({ itemCode: 'total-aerobic-count', value: 90000 }, BAKERY),
    );
    expect(outcome).toMatchObject({ severity: 'critical', rule: 'verdict-conflict' });
  });

  it('raises nothing when both fail and the figures agree', () => {
    const outcome = compareItemResults(
      judged({ itemCode: 'lead', value: 0.5 }),
      judged({ itemCode: 'lead', value: 0.45 }),
    );
    expect(outcome).toMatchObject({
      severity: null,
      rule: null,
      officialVerdict: 'fail',
      selfVerdict: 'fail',
    });
  });
});

describe('self-reported fail (rule 5)', () => {
  it('raises info when the self-test fails, the official result passes and the figures agree', () => {
    const outcome = compareItemResults(
      judged({ itemCode: 'lead', value: 0.1 }),
      judged({ itemCode: 'lead', value: 0.11 }),
    );
    expect(outcome).toMatchObject({ severity: 'info', rule: 'self-reported-fail' });
  });

  it('gives way to a statistical finding', () => {
    const outcome = compareItemResults(
      judged({ itemCode: 'lead', value: 0.05 }),
      judged({ itemCode: 'lead', value: 0.5 }),
    );
    expect(outcome).toMatchObject({
      severity: 'warning',
      rule: 'horwitz-z',
      selfVerdict: 'fail',
      officialVerdict: 'pass',
    });
  });

  it('raises info for counts whose log difference is small', () => {
    const outcome = compareItemResults(
      judged({ itemCode: 'total-aerobic-count', value: 90000 }, BAKERY),
      judged({ itemCode: 'total-aerobic-count', value: 200000 }, BAKERY),
    );
    expect(outcome).toMatchObject({ severity: 'info', rule: 'self-reported-fail' });
  });
});

describe('quality indices with a minimum', () => {
  it('raises critical when the official figure is below the minimum and the self-test is not', () => {
    const outcome = compareItemResults(
      judged({ itemCode: 'protein', value: 2.8 }, MILK),
      judged({ itemCode: 'protein', value: 3.0 }, MILK),
    );
    expect(outcome).toMatchObject({ severity: 'critical', rule: 'verdict-conflict' });
  });

  it('raises info when only the self-test is below the minimum and the figures agree', () => {
    const outcome = compareItemResults(
      judged({ itemCode: 'protein', value: 3.0 }, MILK),
      judged({ itemCode: 'protein', value: 2.8 }, MILK),
    );
    expect(outcome).toMatchObject({ severity: 'info', rule: 'self-reported-fail' });
  });

  it('raises high when the official figure is the higher one, as DESIGN §5 says for every item', () => {
    const higher = compareItemResults(
      judged({ itemCode: 'protein', value: 4.0 }, MILK),
      judged({ itemCode: 'protein', value: 3.0 }, MILK),
    );
    const lower = compareItemResults(
      judged({ itemCode: 'protein', value: 3.0 }, MILK),
      judged({ itemCode: 'protein', value: 4.0 }, MILK),
    );
    expect(higher).toMatchObject({ severity: 'high', rule: 'horwitz-z' });
    expect(lower).toMatchObject({ severity: 'warning', rule: 'horwitz-z' });
  });
});

describe('qualitative pathogen items', () => {
  const COOKED_MEAT: JudgingContext = { category: 'cooked-meat', onDate: '2024-05-01' };
  const salmonella = (result: string): JudgedItemResult =>
    judged({ itemCode: 'salmonella', result }, COOKED_MEAT);

  it.each([
    ['detected', 'not-detected', 'critical', 'verdict-conflict'],
    ['not-detected', 'detected', 'info', 'self-reported-fail'],
    ['detected', 'detected', null, null],
    ['not-detected', 'not-detected', null, null],
  ])('rates official %s against self %s as %p', (official, self, severity, rule) => {
    const outcome = compareItemResults(salmonella(official), salmonella(self));
    expect(outcome).toEqual({
      severity,
      rule,
      metrics: {},
      officialVerdict: official === 'detected' ? 'fail' : 'pass',
      selfVerdict: self === 'detected' ? 'fail' : 'pass',
      unit: null,
    });
  });

  it('only ever gives a verdict conflict or a self-reported fail', () => {
    const result = fc.constantFrom('detected', 'not-detected');
    fc.assert(
      fc.property(result, result, (official, self) => {
        const outcome = compareItemResults(salmonella(official), salmonella(self));
        expect([null, 'verdict-conflict', 'self-reported-fail']).toContain(outcome.rule);
        expect(outcome.metrics).toEqual({});
      }),
    );
  });
});

describe('severity, over any two passing figures', () => {
  const figure = fc.integer({ min: 0, max: 2_000_000 }).map((n) => n / 1000);
  const side = fc.record({ value: figure, uncertainty: fc.option(figure, { nil: undefined }) });
  const itemCode = fc.constantFrom('lead', 'aflatoxin-b1', 'peroxide-value', 'total-aerobic-count');
  const strip = (s: { value: number; uncertainty: number | undefined }): Record<string, number> =>
    s.uncertainty === undefined ? { value: s.value } : { value: s.value, uncertainty: s.uncertainty };

  it('is high only when the official figure is the higher one', () => {
    fc.assert(
      fc.property(itemCode, side, side, (code, o, s) => {
        const outcome = compareFigures(code, strip(o), strip(s));
        if (outcome.severity === 'high') expect(o.value).toBeGreaterThan(s.value);
        expect(['critical', 'info']).not.toContain(outcome.severity);
      }),
    );
  });

  it('turns high into warning and keeps the rule when the two sides are swapped', () => {
    fc.assert(
      fc.property(itemCode, side, side, (code, o, s) => {
        const forward = compareFigures(code, strip(o), strip(s));
        const backward = compareFigures(code, strip(s), strip(o));
        expect(backward.rule).toBe(forward.rule);
        if (forward.severity === 'high') expect(backward.severity).toBe('warning');
        if (forward.severity === null) expect(backward.severity).toBeNull();
      }),
    );
  });
});

it('refuses to compare results of two different items', () => {
  expect(() =>
    compareItemResults(
      judged({ itemCode: 'lead', value: 0.1 }),
      judged({ itemCode: 'cadmium', value: 0.01 }),
    ),
  ).toThrow(RangeError);
});

describe('one limit for both verdicts', () => {
  const LEEK_2024: JudgingContext = { category: 'leek', onDate: '2024-05-20' };
  const LEEK_BEFORE_2023_05_11: JudgingContext = { category: 'leek', onDate: '2023-05-02' };

  it('judges the self-test against the official limit, not a looser one it declared itself', () => {
    const official = judged({ itemCode: 'procymidone', value: 6 }, LEEK_2024);
    const lax = judged({ itemCode: 'procymidone', value: 6, limit: 10 }, LEEK_2024);
    expect(lax.judgement.verdict).toBe('pass'); // its own record keeps its own judgement
    const outcome = compareItemResults(official, lax);
    expect(outcome.selfVerdict).toBe('fail');
    expect(outcome.severity).not.toBe('critical');
  });

  it('does not call a self-test judged under an older edition a self-reported failure', () => {
    const official = judged({ itemCode: 'procymidone', value: 1 }, LEEK_2024); // 5 mg/kg in force
    const older = judged({ itemCode: 'procymidone', value: 1 }, LEEK_BEFORE_2023_05_11); // 0.2 mg/kg then
    expect(older.judgement.verdict).toBe('fail');
    const outcome = compareItemResults(official, older);
    expect(outcome).toMatchObject({ selfVerdict: 'pass', severity: null, rule: null });
  });

  it('converts the official limit to the self-test unit before judging it', () => {
    const official = judged({ itemCode: 'procymidone', value: 6 }, LEEK_2024);
    const inMicrograms = judged(
      { itemCode: 'procymidone', value: 4000, unit: 'µg/kg', limit: 1e9 },
      LEEK_2024,
    );
    expect(compareItemResults(official, inMicrograms)).toMatchObject({
      selfVerdict: 'pass',
      severity: 'critical',
    });
  });
});
