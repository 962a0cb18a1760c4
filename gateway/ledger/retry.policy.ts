import { LedgerUnavailableError, TransientLedgerError } from './ledger.errors';

/**
 * Bounded retries with exponential backoff for transient ledger failures (DESIGN §8): MVCC
 * conflicts and peers that did not answer. What still fails after the last try becomes a
 * {@link LedgerUnavailableError}, which the API answers with 503 and a retry hint.
 */
export interface RetryOptions {
  readonly attempts: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Waits; injectable so tests need not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryOptions = Object.freeze({ attempts: 6, firstDelayMs: 10, maxDelayMs: 500 });

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work`, retrying it on {@link TransientLedgerError}.
 * @throws {LedgerUnavailableError} when every attempt failed transiently.
 * @throws whatever `work` throws that is not transient, at once.
 */
export async function withLedgerRetry<T>(work: () => Promise<T>, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  let delay = options.firstDelayMs;
  let last: TransientLedgerError | undefined;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      return await work();
    } catch (error: unknown) {
      if (!(error instanceof TransientLedgerError)) throw error;
      last = error;
      if (attempt < options.attempts) {
        // Jitter spreads out clients that collided on the same keys.
        await sleep(delay / 2 + (delay / 2) * Math.random());
        delay = Math.min(delay * 2, options.maxDelayMs);
      }
    }
  }
  throw new LedgerUnavailableError(`the ledger did not accept the transaction after ${options.attempts} attempts`, 2, last);
}
