/**
 * Every threshold of the deviation rules (DESIGN §5) in one place. Rules read these; a
 * programme that tunes them passes its own set.
 */
export interface DeviationThresholds {
  /** Days either side of the official sample's production date a self-test may be paired from. */
  readonly pairingWindowDays: number;
  /** Microbial counts: |Δ log10| at or above which a deviation is at least a warning. */
  readonly microbialWarningLog: string;
  /** Microbial counts: |Δ log10| at or above which a positive Δ is high. */
  readonly microbialHighLog: string;
  /** |En| above which the two results disagree beyond their uncertainties. */
  readonly enLimit: string;
  /** |z| at or above which a deviation is a warning. */
  readonly zWarning: string;
  /** |z| at or above which a positive z is high. */
  readonly zHigh: string;
  /** Horwitz–Thompson: mass fractions below this use σ = 0.22 c. */
  readonly horwitzLowBound: string;
  /** Horwitz–Thompson: mass fractions above this use σ = 0.01 c^0.5. */
  readonly horwitzHighBound: string;
}

/** The defaults of DESIGN §5. Decimal strings, because the decisions are made in BigNumber. */
export const DEVIATION_THRESHOLDS: DeviationThresholds = Object.freeze({
  pairingWindowDays: 30,
  microbialWarningLog: '0.5',
  microbialHighLog: '1.0',
  enLimit: '1',
  zWarning: '2',
  zHigh: '3',
  horwitzLowBound: '1.2e-7',
  horwitzHighBound: '0.138',
});
