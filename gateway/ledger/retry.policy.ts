import { setTimeout as delay } from 'node:timers/promises';

import { TransientLedgerError } from './ledger.errors';

/**
 * Bounded exponential backoff for transient ledger failures (DESIGN §8): an MVCC conflict or a
 * busy peer is retried a few times; what still fails is answered 503 with a retry hint.
 */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** The wait before the second try; it doubles each time. */
  readonly initialDelayMs: number;
  /** The longest single wait. */
  readonly maxDelayMs: number;
}

/** Five tries, waiting 20, 40, 80 and 160 ms (never more than 320 ms) in between. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  attempts: 5,
  initialDelayMs: 20,
  maxDelayMs: 320,
});

/** The wait before try `attempt + 1` (attempt counts from 1). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
}

/**
 * Runs `work`, and runs it again after a growing pause while it throws a
 * {@link TransientLedgerError}, at most `policy.attempts` times in all. Any other error, or the
 * last transient one, is rethrown.
 *
 * @param onRetry - told of each transient failure that will be retried.
 * @throws whatever `work` throws last.
 * @example
 * const outcome = await withRetry(() => ledger.submit(identity, 'SubmitSelfTest', [json]), DEFAULT_RETRY_POLICY);
 */
export async function withRetry<T>(
  work: () => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (error: TransientLedgerError, attempt: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error: unknown) {
      if (!(error instanceof TransientLedgerError) || attempt >= policy.attempts) throw error;
      onRetry?.(error, attempt);
      await delay(backoffDelay(policy, attempt));
    }
  }
}
