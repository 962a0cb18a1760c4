import { BlockCutter, BlockCutterClosedError } from '../../../../gateway/ledger/embedded/block.cutter';

/** A commit function that records each block and can be held open to test "one block at a time". */
class RecordingCommitter {
  readonly blocks: string[][] = [];
  #hold: Promise<void> | undefined;
  #release: (() => void) | undefined;
  active = 0;
  maxActive = 0;

  readonly commit = async (transactions: readonly string[]): Promise<string[]> => {
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    this.blocks.push([...transactions]);
    const blockNumber = this.blocks.length - 1;
    await this.#hold;
    this.active -= 1;
    return transactions.map((tx) => `${tx}@${blockNumber}`);
  };

  holdCommits(): void {
    this.#hold = new Promise<void>((resolve) => {
      this.#release = resolve;
    });
  }

  releaseCommits(): void {
    this.#release?.();
    this.#hold = undefined;
  }
}

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('BlockCutter', () => {
  it('cuts a block as soon as maxTransactions are queued, without waiting for the timeout', async () => {
    const committer = new RecordingCommitter();
    const cutter = new BlockCutter(committer.commit, { maxTransactions: 3, timeoutMs: 1_000 });

    const outcomes = Promise.all(['a', 'b', 'c'].map((tx) => cutter.enqueue(tx)));
    await jest.advanceTimersByTimeAsync(0);

    expect(committer.blocks).toEqual([['a', 'b', 'c']]);
    await expect(outcomes).resolves.toEqual(['a@0', 'b@0', 'c@0']);
  });

  it('cuts what is queued timeoutMs after the first transaction arrived', async () => {
    const committer = new RecordingCommitter();
    const cutter = new BlockCutter(committer.commit, { maxTransactions: 500, timeoutMs: 10 });

    const first = cutter.enqueue('a');
    await jest.advanceTimersByTimeAsync(6);
    const second = cutter.enqueue('b');
    await jest.advanceTimersByTimeAsync(3);
    expect(committer.blocks).toEqual([]);

    await jest.advanceTimersByTimeAsync(1);

    expect(committer.blocks).toEqual([['a', 'b']]);
    await expect(Promise.all([first, second])).resolves.toEqual(['a@0', 'b@0']);
  });

  it('commits one block at a time and cuts the next from what queued meanwhile', async () => {
    const committer = new RecordingCommitter();
    const cutter = new BlockCutter(committer.commit, { maxTransactions: 2, timeoutMs: 10 });
    committer.holdCommits();

    const outcomes = Promise.all(['a', 'b', 'c', 'd', 'e'].map((tx) => cutter.enqueue(tx)));
    await jest.advanceTimersByTimeAsync(50);
    expect(committer.blocks).toEqual([['a', 'b']]);
    expect(cutter.pending).toBe(3);

    committer.releaseCommits();
    await jest.advanceTimersByTimeAsync(10);

    expect(committer.blocks).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(committer.maxActive).toBe(1);
    await expect(outcomes).resolves.toEqual(['a@0', 'b@0', 'c@1', 'd@1', 'e@2']);
  });

  it('cuts leftovers whose timeout ran out while a block was committing right after it', async () => {
    const committer = new RecordingCommitter();
    const cutter = new BlockCutter(committer.commit, { maxTransactions: 1, timeoutMs: 10 });
    committer.holdCommits();
    void cutter.enqueue('a');
    void cutter.enqueue('b');
    await jest.advanceTimersByTimeAsync(100);
    expect(committer.blocks).toEqual([['a']]);

    committer.releaseCommits();
    await jest.advanceTimersByTimeAsync(0);

    expect(committer.blocks).toEqual([['a'], ['b']]);
  });

  it('fails every transaction of a block whose commit fails, and goes on with the next block', async () => {
    let calls = 0;
    const cutter = new BlockCutter<string, string>(
      (transactions) => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('disk full')) : Promise.resolve([...transactions]);
      },
      { maxTransactions: 2, timeoutMs: 5 },
    );

    const failed = Promise.allSettled([cutter.enqueue('a'), cutter.enqueue('b')]);
    const next = cutter.enqueue('c');
    await jest.advanceTimersByTimeAsync(5);

    expect((await failed).map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await expect(next).resolves.toBe('c');
  });

  it('flushes the queue on close and refuses transactions afterwards', async () => {
    const committer = new RecordingCommitter();
    const cutter = new BlockCutter(committer.commit, { maxTransactions: 500, timeoutMs: 60_000 });
    const queued = cutter.enqueue('a');

    await cutter.close();

    expect(committer.blocks).toEqual([['a']]);
    await expect(queued).resolves.toBe('a@0');
    await expect(cutter.enqueue('b')).rejects.toBeInstanceOf(BlockCutterClosedError);
  });

  it('refuses a size below one or a negative timeout', () => {
    const commit = (transactions: readonly string[]): Promise<string[]> => Promise.resolve([...transactions]);
    expect(() => new BlockCutter(commit, { maxTransactions: 0 })).toThrow(RangeError);
    expect(() => new BlockCutter(commit, { timeoutMs: -1 })).toThrow(RangeError);
  });

  it('defaults to blocks of 500 transactions cut after 2 ms', () => {
    const cutter = new BlockCutter((transactions: readonly string[]) => Promise.resolve([...transactions]));
    expect([cutter.maxTransactions, cutter.timeoutMs]).toEqual([500, 2]);
  });
});
