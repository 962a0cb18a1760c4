import type { SamplingTaskRecord } from '../records/ledger.records';
import { drawCandidates, drawSeed } from './random-draw';

/** What re-running a task's draw found. */
export interface DrawVerification {
  readonly taskId: string;
  readonly seed: string;
  readonly seedMatches: boolean;
  readonly inspectors: readonly string[];
  readonly redrawn: readonly string[];
  readonly valid: boolean;
}

/** Re-runs a task's draw from its creating transaction id and stored pool. */
export function verifyDraw(task: SamplingTaskRecord): DrawVerification {
  const seed = drawSeed(task.txId, task.id);
  const redraw = drawCandidates({
    seed,
    candidates: task.pool,
    companyRegion: task.companyRegion,
    exclusion: task.exclusion,
    count: task.count,
  });
  const seedMatches = seed === task.seed;
  const sameSelection =
    redraw.selected.length === task.inspectors.length &&
    redraw.selected.every((id, i) => task.inspectors[i] === id);
  return {
    taskId: task.id,
    seed: task.seed,
    seedMatches,
    inspectors: task.inspectors,
    redrawn: redraw.selected,
    valid: seedMatches && sameSelection,
  };
}
