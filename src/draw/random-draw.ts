import { createHash } from 'node:crypto';

/**
 * The verifiable random draw (链上随机, 双随机) that picks inspectors for a targeted sampling task
 * and labs for a re-inspection. Nothing in it is secret or random at run time: the seed comes
 * from the id of the transaction that created the task, so every endorsing peer draws the same
 * people and anyone can re-run the draw afterwards from the published seed and pool.
 *
 * Byte encoding (all hashes SHA-256, all text UTF-8, hex lower-case):
 * - seed  = SHA-256( UTF8(txId) ‖ 0x00 ‖ UTF8(taskId) ), published as 64 hex characters;
 * - key_i = SHA-256( seed as its 32 raw bytes ‖ UTF8(candidateId) ), as 64 hex characters;
 * - candidates left after exclusion are sorted by key ascending (ties, which SHA-256 makes
 *   practically impossible, by id) and the first `count` are taken.
 * Exclusion (回避): candidates whose region shares the company's region code up to the chosen
 * level (county: all 6 digits, prefecture: the first 4, province: the first 2), inactive
 * candidates, and any id listed in `excludeIds` (for example the lab that did the original test).
 */

/** A candidate in the pool: an inspector or a lab. */
export interface DrawCandidate {
  readonly id: string;
  readonly region: string;
  readonly active?: boolean;
}

export type ExclusionLevel = 'county' | 'prefecture' | 'province';

const PREFIX_LENGTH: Record<ExclusionLevel, number> = { county: 6, prefecture: 4, province: 2 };

/** What to draw from and how. */
export interface DrawRequest {
  readonly seed: string;
  readonly candidates: readonly DrawCandidate[];
  /** The region of the company concerned; candidates from it are excluded. */
  readonly companyRegion: string;
  readonly exclusion?: ExclusionLevel;
  readonly excludeIds?: readonly string[];
  readonly count: number;
}

/** One eligible candidate with its ordering key, in draw order. */
export interface DrawnCandidate {
  readonly id: string;
  readonly key: string;
}

/** The draw: who was taken, and the full ordering so that anyone can check it. */
export interface DrawResult {
  readonly seed: string;
  readonly selected: readonly string[];
  readonly ordering: readonly DrawnCandidate[];
  readonly excluded: readonly string[];
}

/** The seed of a draw from the creating transaction's id and the task's id. */
export function drawSeed(txId: string, taskId: string): string {
  return createHash('sha256')
    .update(txId, 'utf8')
    .update(Buffer.from([0]))
    .update(taskId, 'utf8')
    .digest('hex');
}

/** The ordering key of one candidate under a seed. */
export function drawKey(seed: string, candidateId: string): string {
  return createHash('sha256').update(Buffer.from(seed, 'hex')).update(candidateId, 'utf8').digest('hex');
}

/**
 * Runs the draw. Returns fewer than `count` when fewer are eligible; the caller decides whether
 * that is acceptable.
 * @throws {RangeError} when the seed is not 64 hex characters or count is not a positive integer.
 */
export function drawCandidates(request: DrawRequest): DrawResult {
  if (!/^[0-9a-f]{64}$/.test(request.seed)) throw new RangeError('the seed is 64 lower-case hex characters');
  if (!Number.isInteger(request.count) || request.count < 1)
    throw new RangeError('count is a positive integer');
  const prefix = request.companyRegion.slice(0, PREFIX_LENGTH[request.exclusion ?? 'county']);
  const excludeIds = new Set(request.excludeIds ?? []);
  const seen = new Set<string>();
  const excluded: string[] = [];
  const eligible: DrawnCandidate[] = [];
  for (const candidate of request.candidates) {
    if (seen.has(candidate.id)) continue;
    seen.add(candidate.id);
    if (candidate.active === false || excludeIds.has(candidate.id) || candidate.region.startsWith(prefix)) {
      excluded.push(candidate.id);
      continue;
    }
    eligible.push({ id: candidate.id, key: drawKey(request.seed, candidate.id) });
  }
  eligible.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1));
  return {
    seed: request.seed,
    selected: eligible.slice(0, request.count).map((c) => c.id),
    ordering: eligible,
    excluded: excluded.sort(),
  };
}
