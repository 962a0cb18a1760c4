/**
 * The embedded orderer's block cutter: endorsed transactions wait in a queue and are committed as
 * blocks, one block at a time, cut when the queue holds `maxTransactions` or `timeoutMs` after the
 * oldest queued transaction arrived (Fabric's `BatchSize.MaxMessageCount` and `BatchTimeout`).
 * Each submitter's promise settles with its own outcome once its block is committed.
 */

/** How blocks are cut. */
export interface BlockCutterOptions {
  /** Cut as soon as this many transactions are queued; at most this many per block. Default 500. */
  readonly maxTransactions?: number;
  /**
   * Cut at the latest this long after the oldest queued transaction arrived, in milliseconds.
   * Default 2, tuned for latency (Fabric's default is 2 s). Submitters wait for their block, so a
   * shorter wait also raises throughput, down to where blocks get too small: `bench/README.md` has
   * the figures for 0 to 10 ms.
   */
  readonly timeoutMs?: number;
}

/**
 * Commits one block of transactions and returns one outcome per transaction, in order. A rejection
 * fails every transaction of the block.
 */
export type CommitBlock<T, R> = (transactions: readonly T[]) => Promise<readonly R[]>;

/** The default {@link BlockCutterOptions.maxTransactions}. */
export const DEFAULT_BLOCK_MAX_TRANSACTIONS = 500;
/** The default {@link BlockCutterOptions.timeoutMs}. */
export const DEFAULT_BLOCK_TIMEOUT_MS = 2;

/** The cutter was closed: it takes no more transactions. */
export class BlockCutterClosedError extends Error {
  constructor() {
    super('the block cutter is closed');
    this.name = 'BlockCutterClosedError';
  }
}

interface Queued<T, R> {
  readonly transaction: T;
  readonly enqueuedAt: number;
  readonly resolve: (outcome: R) => void;
  readonly reject: (error: unknown) => void;
}

function checkOptions(maxTransactions: number, timeoutMs: number): void {
  if (!Number.isSafeInteger(maxTransactions) || maxTransactions < 1) {
    throw new RangeError(`maxTransactions must be a positive integer, not ${maxTransactions}`);
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`timeoutMs must be a non-negative number of milliseconds, not ${timeoutMs}`);
  }
}

/**
 * Queues transactions and commits them in blocks cut by size or time; never two blocks at once.
 *
 * @example
 * const cutter = new BlockCutter((txs) => commitBlock(txs), { maxTransactions: 500, timeoutMs: 10 });
 * const outcome = await cutter.enqueue(simulation); // settles after its block commits
 * await cutter.close(); // commits what is queued, then refuses more
 */
export class BlockCutter<T, R> {
  /** See {@link BlockCutterOptions.maxTransactions}. */
  readonly maxTransactions: number;
  /** See {@link BlockCutterOptions.timeoutMs}. */
  readonly timeoutMs: number;

  readonly #commit: CommitBlock<T, R>;
  readonly #queue: Queued<T, R>[] = [];
  readonly #idle: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #committing = false;
  #flushing = false;
  #closed = false;

  /**
   * @param commit - commits one block; called again only after the previous call settled.
   * @param options - size and time limits.
   * @throws RangeError when `maxTransactions` is not a positive integer or `timeoutMs` is negative.
   */
  constructor(commit: CommitBlock<T, R>, options: BlockCutterOptions = {}) {
    this.maxTransactions = options.maxTransactions ?? DEFAULT_BLOCK_MAX_TRANSACTIONS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_BLOCK_TIMEOUT_MS;
    checkOptions(this.maxTransactions, this.timeoutMs);
    this.#commit = commit;
  }

  /** How many transactions wait for a block (not counting the block being committed). */
  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Queues a transaction for the next block.
   *
   * @returns its outcome, once its block has committed.
   * @throws {BlockCutterClosedError} (as a rejection) after {@link close}.
   */
  enqueue(transaction: T): Promise<R> {
    if (this.#closed) {
      return Promise.reject(new BlockCutterClosedError());
    }
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ transaction, enqueuedAt: performance.now(), resolve, reject });
      this.#schedule();
    });
  }

  /** Cuts every queued transaction into blocks now and resolves once they are all committed. */
  flush(): Promise<void> {
    this.#flushing = true;
    const idle = new Promise<void>((resolve) => {
      this.#idle.push(resolve);
    });
    this.#schedule();
    return idle;
  }

  /** Refuses new transactions, commits the queued ones and resolves when the last block is committed. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #schedule(): void {
    if (this.#committing) {
      return; // the running block reschedules when it settles
    }
    if (this.#queue.length === 0) {
      this.#settleIdle();
      return;
    }
    const oldest = this.#queue[0]?.enqueuedAt ?? performance.now();
    const wait = oldest + this.timeoutMs - performance.now();
    if (this.#queue.length >= this.maxTransactions || this.#flushing || wait <= 0) {
      this.#cut();
    } else {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#schedule();
      }, wait);
    }
  }

  #cut(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const block = this.#queue.splice(0, this.maxTransactions);
    this.#committing = true;
    void this.#commitBlock(block).finally(() => {
      this.#committing = false;
      this.#schedule();
    });
  }

  async #commitBlock(block: readonly Queued<T, R>[]): Promise<void> {
    try {
      const outcomes = await this.#commit(block.map((queued) => queued.transaction));
      if (outcomes.length !== block.length) {
        throw new Error(
          `a block of ${block.length} transactions was committed with ${outcomes.length} outcomes`,
        );
      }
      block.forEach((queued, index) => {
        queued.resolve(outcomes[index] as R);
      });
    } catch (error: unknown) {
      for (const queued of block) {
        queued.reject(error);
      }
    }
  }

  #settleIdle(): void {
    this.#flushing = false;
    for (const resolve of this.#idle.splice(0)) {
      resolve();
    }
  }
}
