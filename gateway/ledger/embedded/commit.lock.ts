/**
 * Fabric's commit read-write lock: simulations hold it shared, so each sees one committed state from
 * its first read to its last; a commit holds it exclusively. A waiting commit goes before simulations
 * that arrive after it, so a stream of simulations cannot starve commits.
 */

interface Waiter {
  readonly exclusive: boolean;
  readonly grant: () => void;
}

/**
 * An async, first-come first-served read-write lock.
 *
 * @example
 * const lock = new CommitLock();
 * await lock.shared(async () => simulate());
 * await lock.exclusive(() => commit());
 */
export class CommitLock {
  #readers = 0;
  #writer = false;
  readonly #queue: Waiter[] = [];

  /** Runs `work` while holding the lock shared with other shared holders. */
  async shared<T>(work: () => Promise<T>): Promise<T> {
    await this.#acquire(false);
    try {
      return await work();
    } finally {
      this.#readers -= 1;
      this.#grantNext();
    }
  }

  /** Runs `work` while holding the lock alone. */
  async exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    await this.#acquire(true);
    try {
      return await work();
    } finally {
      this.#writer = false;
      this.#grantNext();
    }
  }

  #acquire(exclusive: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#queue.push({ exclusive, grant: resolve });
      this.#grantNext();
    });
  }

  #grantNext(): void {
    for (let head = this.#queue[0]; head !== undefined && this.#canGrant(head); head = this.#queue[0]) {
      this.#queue.shift();
      if (head.exclusive) {
        this.#writer = true;
      } else {
        this.#readers += 1;
      }
      head.grant();
    }
  }

  #canGrant(waiter: Waiter): boolean {
    if (this.#writer) {
      return false;
    }
    return waiter.exclusive ? this.#readers === 0 : true;
  }
}
