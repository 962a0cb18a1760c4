import { requireItem } from '../catalogue/item.catalogue';
import type { Verdict } from '../records/item-result.schema';
import { convertValue, toMassFraction, type UnitCode } from '../units/unit.conversion';
import { dec, forDecision, toDecimalString, toReportedNumber, type BigNumber } from './decimal';
import { DEVIATION_THRESHOLDS, type DeviationThresholds } from './deviation.thresholds';
import { comparableValue, judge, type JudgedItemResult } from './verdict.rules';

/**
 * The on-chain spot check (链上点检): an enterprise's self-test figure against the official
 * one, with the statistics labs use to compare each other (DESIGN §5). The first rule that
 * applies wins:
 * 1. `verdict-conflict` — the official result fails and the self-test passes: critical;
 * 2. `microbial-log` — counts: Δ = log10(max(xO,1)) − log10(max(xS,1)); |Δ| ≥ 1 high if Δ > 0
 *    else warning, 0.5 ≤ |Δ| < 1 warning;
 * 3. `en-number` — both uncertainties given: En = (xO − xS)/√(UO² + US²); |En| > 1 high if
 *    xO > xS else warning;
 * 4. `horwitz-z` — z = (xO − xS)/(√2·σ), σ from the Horwitz function as modified by Thompson at
 *    the mean mass fraction; |z| ≥ 3 high if z > 0 else warning, 2 ≤ |z| < 3 warning;
 * 5. `self-reported-fail` — none of 2–4 fired, the self-test fails and the official passes: info.
 * Qualitative items only ever give rule 1 or 5; both sides not detected gives nothing.
 *
 * Both verdicts are recomputed against one limit — the one applied to the official result (the
 * limit in force on the sampling date, or the one the official lab declared) — so that a
 * self-test judged against a looser declared limit or an older edition cannot make a conflict
 * of its own. The self-test keeps its own judgement on its record.
 */

export const SEVERITIES = ['critical', 'high', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DEVIATION_RULES = [
  'verdict-conflict',
  'microbial-log',
  'en-number',
  'horwitz-z',
  'self-reported-fail',
] as const;
export type DeviationRule = (typeof DEVIATION_RULES)[number];

/** The figures behind a comparison, rounded to 4 decimals for reporting. */
export interface DeviationMetrics {
  /** Microbial counts: log10 difference, official minus self. */
  readonly delta?: number;
  /** En number, when both sides give an expanded uncertainty. */
  readonly en?: number;
  /** z score against the Horwitz–Thompson σ. */
  readonly z?: number;
  /** (xO − xS) divided by the mean of the two. */
  readonly relDiff?: number;
}

/** What comparing one official item result with its reference self-test item result found. */
export interface ComparisonOutcome {
  /** `null` when the two agree closely enough. */
  readonly severity: Severity | null;
  readonly rule: DeviationRule | null;
  readonly metrics: DeviationMetrics;
  readonly officialVerdict: Verdict;
  readonly selfVerdict: Verdict;
  /** The unit both figures were compared in: the official result's. */
  readonly unit: UnitCode | null;
  readonly officialValue?: string;
  readonly selfValue?: string;
}

interface Figures {
  readonly xO: BigNumber;
  readonly xS: BigNumber;
  readonly uO?: BigNumber;
  readonly uS?: BigNumber;
  readonly unit: UnitCode;
}

const ONE = dec(1);

function inUnit(value: number, from: UnitCode, to: UnitCode): BigNumber {
  return dec(convertValue(String(value), from, to));
}

/** Both figures (and uncertainties) in the official result's unit. */
function figuresOf(official: JudgedItemResult, self: JudgedItemResult): Figures {
  const unit = official.unit;
  const selfUnit = self.unit;
  if (unit === undefined || selfUnit === undefined) throw new RangeError(`${official.itemCode} has no unit`);
  const selfInO =
    self.nd === true
      ? self.lod === undefined
        ? dec(0)
        : inUnit(self.lod, selfUnit, unit).div(2)
      : inUnit(self.value ?? 0, selfUnit, unit);
  const figures: Figures = { xO: comparableValue(official), xS: selfInO, unit };
  const uO = official.uncertainty === undefined ? undefined : dec(official.uncertainty);
  const uS = self.uncertainty === undefined ? undefined : inUnit(self.uncertainty, selfUnit, unit);
  return { ...figures, ...(uO ? { uO } : {}), ...(uS ? { uS } : {}) };
}

/** The self-test's verdict under the official result's limit, converted to the self-test's unit. */
export function selfVerdictUnderOfficialLimit(official: JudgedItemResult, self: JudgedItemResult): Verdict {
  const limit = official.judgement.limit;
  if (self.result !== undefined || limit === null) return self.judgement.verdict;
  const from = official.unit;
  const to = self.unit;
  const converted = from !== undefined && to !== undefined ? convertValue(limit, from, to) : limit;
  return judge(self, {
    limit: converted,
    limitType: official.judgement.limitType,
    basis: official.judgement.basis,
  }).verdict;
}

/** The Horwitz–Thompson reproducibility standard deviation for a mass fraction `c`. */
export function horwitzSigma(
  c: BigNumber,
  thresholds: DeviationThresholds = DEVIATION_THRESHOLDS,
): BigNumber {
  if (c.lt(dec(thresholds.horwitzLowBound))) return c.times('0.22');
  if (c.lte(dec(thresholds.horwitzHighBound))) return c.pow('0.8495').times('0.02');
  return c.sqrt().times('0.01');
}

function log10AtLeastOne(x: BigNumber): BigNumber {
  return (x.lt(ONE) ? ONE : x).log(10);
}

interface Finding {
  readonly severity: Severity;
  readonly rule: DeviationRule;
}

function microbialFinding(delta: BigNumber, t: DeviationThresholds): Finding | null {
  const size = forDecision(delta.abs());
  if (size.gte(dec(t.microbialHighLog)))
    return { severity: delta.gt(0) ? 'high' : 'warning', rule: 'microbial-log' };
  if (size.gte(dec(t.microbialWarningLog))) return { severity: 'warning', rule: 'microbial-log' };
  return null;
}

function enFinding(en: BigNumber, f: Figures, t: DeviationThresholds): Finding | null {
  if (forDecision(en.abs()).gt(dec(t.enLimit)))
    return { severity: f.xO.gt(f.xS) ? 'high' : 'warning', rule: 'en-number' };
  return null;
}

function zFinding(z: BigNumber, t: DeviationThresholds): Finding | null {
  const size = forDecision(z.abs());
  if (size.gte(dec(t.zHigh))) return { severity: z.gt(0) ? 'high' : 'warning', rule: 'horwitz-z' };
  if (size.gte(dec(t.zWarning))) return { severity: 'warning', rule: 'horwitz-z' };
  return null;
}

interface Statistics {
  readonly metrics: DeviationMetrics;
  readonly finding: Finding | null;
}

/** Rules 2–4 for two quantitative figures, with the metrics they computed. */
function statistics(microbial: boolean, f: Figures, t: DeviationThresholds): Statistics {
  const mean = f.xO.plus(f.xS).div(2);
  const relDiff = mean.isZero() ? undefined : toReportedNumber(f.xO.minus(f.xS).div(mean));
  const withRel = (m: DeviationMetrics): DeviationMetrics => (relDiff === undefined ? m : { ...m, relDiff });
  if (microbial) {
    const delta = log10AtLeastOne(f.xO).minus(log10AtLeastOne(f.xS));
    return { metrics: withRel({ delta: toReportedNumber(delta) }), finding: microbialFinding(delta, t) };
  }
  if (f.uO && f.uS) {
    const spread = f.uO.pow(2).plus(f.uS.pow(2)).sqrt();
    if (!spread.isZero()) {
      const en = f.xO.minus(f.xS).div(spread);
      return { metrics: withRel({ en: toReportedNumber(en) }), finding: enFinding(en, f, t) };
    }
  }
  const massO = dec(toMassFraction(toDecimalString(f.xO), f.unit));
  const massS = dec(toMassFraction(toDecimalString(f.xS), f.unit));
  const sigma = horwitzSigma(massO.plus(massS).div(2), t);
  if (sigma.isZero()) return { metrics: withRel({}), finding: null };
  const z = massO.minus(massS).div(sigma.times(dec(2).sqrt()));
  return { metrics: withRel({ z: toReportedNumber(z) }), finding: zFinding(z, t) };
}

/**
 * Compares an official item result with its reference self-test item result (same item) and
 * says whether — and how badly — they deviate.
 * @throws {RangeError} when the two concern different items.
 */
export function compareItemResults(
  official: JudgedItemResult,
  self: JudgedItemResult,
  thresholds: DeviationThresholds = DEVIATION_THRESHOLDS,
): ComparisonOutcome {
  if (official.itemCode !== self.itemCode)
    throw new RangeError('only results of the same item can be compared');
  const item = requireItem(official.itemCode);
  const officialVerdict = official.judgement.verdict;
  const selfVerdict = selfVerdictUnderOfficialLimit(official, self);
  const base = { officialVerdict, selfVerdict, unit: official.unit ?? null };
  const verdictOnly = (finding: Finding | null, metrics: DeviationMetrics = {}): ComparisonOutcome => ({
    ...base,
    severity: finding?.severity ?? null,
    rule: finding?.rule ?? null,
    metrics,
  });
  const conflict: Finding | null =
    officialVerdict === 'fail' && selfVerdict === 'pass'
      ? { severity: 'critical', rule: 'verdict-conflict' }
      : null;
  const selfFail: Finding | null =
    selfVerdict === 'fail' && officialVerdict === 'pass'
      ? { severity: 'info', rule: 'self-reported-fail' }
      : null;

  if (item.kind === 'pathogen') return verdictOnly(conflict ?? selfFail);
  if (official.nd === true && self.nd === true) return verdictOnly(null);

  const figures = figuresOf(official, self);
  const stats = statistics(item.kind === 'microbial', figures, thresholds);
  return {
    ...verdictOnly(conflict ?? stats.finding ?? selfFail, stats.metrics),
    officialValue: toDecimalString(figures.xO),
    selfValue: toDecimalString(figures.xS),
  };
}
