import { CommitLock } from '../../../../gateway/ledger/embedded/commit.lock';

/** A promise with its resolve function, to hold a lock holder open. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('CommitLock', () => {
  it('lets a commit wait for running simulations, and run before simulations that came after it', async () => {
    const lock = new CommitLock();
    const order: string[] = [];
    const running = gate();

    const simulation = lock.shared(async () => {
      order.push('simulation starts');
      await running.promise;
      order.push('simulation ends');
    });
    const commit = lock.exclusive(() => {
      order.push('commit');
    });
    const later = lock.shared(() => {
      order.push('later simulation');
      return Promise.resolve();
    });
    await Promise.resolve();
    running.open();
    await Promise.all([simulation, commit, later]);

    expect(order).toEqual(['simulation starts', 'simulation ends', 'commit', 'later simulation']);
  });

  it('runs simulations side by side', async () => {
    const lock = new CommitLock();
    const first = gate();
    let secondRan = false;

    const a = lock.shared(() => first.promise);
    const b = lock.shared(() => {
      secondRan = true;
      return Promise.resolve();
    });
    await b;

    expect(secondRan).toBe(true);
    first.open();
    await a;
  });

  it('releases the lock when the work throws', async () => {
    const lock = new CommitLock();

    await expect(
      lock.exclusive(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    await expect(lock.exclusive(() => 'next')).resolves.toBe('next');
  });
});
