import { daysBetween, instantMillis } from '../time/iso-time';
import { DEVIATION_THRESHOLDS } from './deviation.thresholds';

/**
 * Pairing (配对): which self-test item result an official item result is compared with.
 * Both concern the same company, product and item; among those the reference is
 * 1. the one of the same batch tested last, else
 * 2. the one whose production date is closest to the official sample's, within ±30 days
 *    (equally close: the one tested last), else none.
 * Remaining ties fall to the larger self-test id, so the choice is a pure function of the set
 * of candidates and never of the order they arrived in.
 */

/** What pairing needs to know of a self-test item result. */
export interface PairingCandidate {
  readonly selfTestId: string;
  readonly batchNo: string;
  readonly productionDate: string;
  readonly testedAt: string;
}

/** What pairing needs to know of the official item result. */
export interface PairingTarget {
  readonly batchNo: string;
  readonly productionDate: string;
}

/** Positive when `a` was tested after `b`, then by id, so that any two candidates are ordered. */
function laterTested(a: PairingCandidate, b: PairingCandidate): number {
  const byTime = instantMillis(a.testedAt) - instantMillis(b.testedAt);
  if (byTime !== 0) return byTime;
  return a.selfTestId < b.selfTestId ? -1 : a.selfTestId > b.selfTestId ? 1 : 0;
}

/**
 * The reference self-test for an official result among `candidates` (all of the same company,
 * product and item), or `undefined` when none qualifies.
 * @example selectReference({ batchNo: 'B1', productionDate: '2024-05-01' }, candidates)
 */
export function selectReference<C extends PairingCandidate>(
  target: PairingTarget,
  candidates: readonly C[],
  windowDays: number = DEVIATION_THRESHOLDS.pairingWindowDays,
): C | undefined {
  let sameBatch: C | undefined;
  let nearest: { candidate: C; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate.batchNo === target.batchNo) {
      if (!sameBatch || laterTested(candidate, sameBatch) > 0) sameBatch = candidate;
      continue;
    }
    const distance = Math.abs(daysBetween(target.productionDate, candidate.productionDate));
    if (distance > windowDays) continue;
    if (
      !nearest ||
      distance < nearest.distance ||
      (distance === nearest.distance && laterTested(candidate, nearest.candidate) > 0)
    ) {
      nearest = { candidate, distance };
    }
  }
  return sameBatch ?? nearest?.candidate;
}
