/**
 * The in-memory implementation of the state store port, for tests and as the reference behaviour
 * a durable store must match.
 */
import { compareKeys, isKeyInRange } from './key.order';
import type {
  BlockCommitBatch,
  BlockRecord,
  KeyModificationRecord,
  VersionedKV,
  VersionedValue,
} from './ledger.records';
import type { VersionedStateStore } from './state.store';

/**
 * A {@link VersionedStateStore} held in memory: a map of keys plus a sorted key index for range scans.
 *
 * @example
 * const store = new MemoryStateStore();
 * const peer = new PeerSimulator([MyContract], { channel: 'food', chaincodeName: 'inspection', store });
 */
export class MemoryStateStore implements VersionedStateStore {
  readonly #state = new Map<string, VersionedKV>();
  /** Kept sorted by {@link compareKeys} so that scans are a binary search plus a slice. */
  readonly #sortedKeys: string[] = [];
  readonly #history = new Map<string, KeyModificationRecord[]>();
  readonly #blocks: BlockRecord[] = [];
  readonly #txIds = new Set<string>();

  /** {@inheritDoc VersionedStateStore.height} */
  get height(): number {
    return this.#blocks.length;
  }

  /** {@inheritDoc VersionedStateStore.get} */
  get(key: string): VersionedValue | undefined {
    return this.#state.get(key);
  }

  /** {@inheritDoc VersionedStateStore.versionOf} */
  versionOf(key: string): Omit<VersionedValue, 'value'> | undefined {
    return this.#state.get(key);
  }

  /** {@inheritDoc VersionedStateStore.readConsistently} Memory reads need no transaction. */
  readConsistently<T>(work: () => T): T {
    return work();
  }

  /** {@inheritDoc VersionedStateStore.scan} */
  scan(startKey: string, endKey: string, limit = Number.POSITIVE_INFINITY): readonly VersionedKV[] {
    const results: VersionedKV[] = [];
    for (let i = this.#lowerBound(startKey); i < this.#sortedKeys.length && results.length < limit; i++) {
      const key = this.#sortedKeys[i];
      if (key === undefined || !isKeyInRange(key, startKey, endKey)) {
        break;
      }
      const entry = this.#state.get(key);
      if (entry !== undefined) {
        results.push(entry);
      }
    }
    return results;
  }

  /** {@inheritDoc VersionedStateStore.history} */
  history(key: string): readonly KeyModificationRecord[] {
    return [...(this.#history.get(key) ?? [])].reverse();
  }

  /** {@inheritDoc VersionedStateStore.hasTransaction} */
  hasTransaction(txId: string): boolean {
    return this.#txIds.has(txId);
  }

  /** {@inheritDoc VersionedStateStore.block} */
  block(blockNumber: number): BlockRecord | undefined {
    return this.#blocks[blockNumber];
  }

  /** {@inheritDoc VersionedStateStore.applyBlock} */
  applyBlock(batch: BlockCommitBatch): void {
    if (batch.block.number !== this.height) {
      throw new RangeError(`block ${batch.block.number} cannot follow height ${this.height}`);
    }
    // Everything below only mutates in-memory collections and cannot fail half-way.
    for (const update of batch.updates) {
      if (update.value === null) {
        this.#remove(update.key);
      } else {
        this.#put({
          key: update.key,
          value: update.value,
          version: update.version,
          metadata: update.metadata,
        });
      }
    }
    for (const modification of batch.history) {
      const entries = this.#history.get(modification.key) ?? [];
      entries.push(modification);
      this.#history.set(modification.key, entries);
    }
    for (const tx of batch.block.transactions) {
      this.#txIds.add(tx.txId);
    }
    this.#blocks.push(batch.block);
  }

  #put(entry: VersionedKV): void {
    if (!this.#state.has(entry.key)) {
      this.#sortedKeys.splice(this.#lowerBound(entry.key), 0, entry.key);
    }
    this.#state.set(entry.key, entry);
  }

  #remove(key: string): void {
    if (this.#state.delete(key)) {
      this.#sortedKeys.splice(this.#lowerBound(key), 1);
    }
  }

  /** Index of the first key not less than `key`. */
  #lowerBound(key: string): number {
    let low = 0;
    let high = this.#sortedKeys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const candidate = this.#sortedKeys[middle];
      if (candidate !== undefined && compareKeys(candidate, key) < 0) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }
}
