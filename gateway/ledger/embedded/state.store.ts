/**
 * The port between the embedded peer and its storage. The peer simulates, validates and decides;
 * the store only answers reads of committed data and applies a validated block atomically. The
 * in-memory store implements it now, a SQLite store (better-sqlite3, synchronous) next, which is
 * why the interface is synchronous.
 */
import type {
  BlockCommitBatch,
  BlockRecord,
  KeyModificationRecord,
  VersionedKV,
  VersionedValue,
} from './ledger.records';

/**
 * Committed ledger data: world state with versions, key history, blocks and the transaction-id index.
 *
 * Keys are ordered by Unicode code point (see `compareKeys`), like Fabric's LevelDB state database.
 * Returned objects belong to the store and must not be mutated.
 */
export interface VersionedStateStore {
  /** Number of committed blocks; the next block is numbered `height`. */
  readonly height: number;

  /** The committed value of `key` with its version, or `undefined` when the key does not exist. */
  get(key: string): VersionedValue | undefined;

  /**
   * The committed version and metadata of `key` without its value (what validation compares), or
   * `undefined` when the key does not exist.
   */
  versionOf(key: string): Omit<VersionedValue, 'value'> | undefined;

  /**
   * Committed keys in `[startKey, endKey)` in key order (`endKey` `''`: unbounded), at most `limit` of
   * them when given.
   */
  scan(startKey: string, endKey: string, limit?: number): readonly VersionedKV[];

  /** Every committed write and delete of `key`, newest first (as Fabric's history database). */
  history(key: string): readonly KeyModificationRecord[];

  /** Whether a transaction with this id is in any committed block, valid or not. */
  hasTransaction(txId: string): boolean;

  /**
   * Runs `work`, whose reads then see one committed state and share one read transaction, and
   * returns its result. Validation reads a version for every key a block's transactions read; in one
   * transaction they cost one lock round instead of one each. `work` must be synchronous and must
   * not apply a block.
   */
  readConsistently<T>(work: () => T): T;

  /** The committed block with this number, or `undefined` beyond the height. */
  block(blockNumber: number): BlockRecord | undefined;

  /**
   * Applies a validated block: appends the block, sets or deletes the updated keys, appends history,
   * indexes the transaction ids. All or nothing.
   *
   * @throws when `batch.block.number` is not the current height.
   */
  applyBlock(batch: BlockCommitBatch): void;
}
