/**
 * Re-verifies an embedded ledger file from scratch, through its own SQLite connection and one read
 * snapshot (a ledger that is running in another process can be verified while it commits).
 *
 * What is checked, walking the blocks once in order:
 * 1. **the chain**: blocks are numbered 0, 1, 2 … without gaps; each block's `dataHash` is the SHA-256
 *    of its stored data, its `hash` is the SHA-256 of (number ‖ previousHash ‖ dataHash), and its
 *    `previousHash` is the hash of the block before (64 zero hex digits for block 0) — see
 *    `block.codec.ts` for the exact bytes; the data decodes to transactions numbered by position;
 * 2. **the transaction-id index**: every transaction id's first occurrence is indexed at its block and
 *    position, and every later occurrence is marked `DUPLICATE_TXID`; the index holds nothing else;
 * 3. **key history**: the history rows are exactly the writes and deletes of the valid transactions,
 *    in commit order, with their transaction id, timestamp and value;
 * 4. **world state**: replaying the valid write sets (values and key metadata, with the committer's
 *    rules) gives exactly the state table — the same keys, values, versions and metadata. The replay
 *    keeps one SHA-256 digest per key in memory, so memory grows with the number of keys, and the
 *    time is linear in the size of the ledger;
 * 5. **key numbers**: every state row names a key of the `keys` table (a history row that does not
 *    is missing from check 3);
 * 6. **the key index**: every key of `keys` is indexed under its text and number in exactly one tier
 *    of the key index, and the tiers hold nothing else (a fault is reported at the first block that
 *    wrote the key). Check 2 reads the transaction-id index through both of its tiers.
 *
 * Not checked: the validation codes themselves (MVCC is not re-run; the codes are covered by the
 * hashes), and the last block against an outside anchor — a file rewritten from some block to its end,
 * hashes recomputed, verifies. Keep the reported `headHash` elsewhere to detect that.
 */
import { createHash } from 'node:crypto';

import type { BlockRecord, TransactionRecord } from './ledger.records';
import { BlockDataError, blockHash, decodeBlockData, GENESIS_PREVIOUS_HASH, sha256Hex } from './block.codec';
import type { BlockRow, HistoryRow, LedgerDatabase, StateRow, TransactionIndexRow } from './sqlite.schema';
import { encodeMetadataColumn, KEY_INDEX_TIERS, openLedgerDatabase } from './sqlite.schema';

/** The ledger verifies: every check passed. */
export interface ChainVerified {
  readonly ok: true;
  /** The number of blocks. */
  readonly height: number;
  /** The hash of the last block (64 zero hex digits when there is none): keep it to anchor the chain. */
  readonly headHash: string;
}

/** The ledger does not verify. */
export interface ChainBroken {
  readonly ok: false;
  /** The number of blocks the file claims (one more than its highest block number). */
  readonly height: number;
  /**
   * The first block at which a check fails, walking forward: the block whose hashes or data are
   * wrong, the block after a broken link (the tampering may be in it or in its predecessor), or the
   * block whose committed effects (state, history, index) the tables do not match. It equals `height`
   * when the tables hold effects of a block missing at the end.
   */
  readonly firstBadBlock: number;
  /** What failed, in words. */
  readonly reason: string;
}

/** The outcome of {@link verifyChain}. */
export type ChainVerification = ChainVerified | ChainBroken;

/** A failed check: where and why. */
interface Fault {
  readonly block: number;
  readonly reason: string;
}

function earlier(a: Fault | undefined, b: Fault | undefined): Fault | undefined {
  if (a === undefined) {
    return b;
  }
  return b === undefined || a.block <= b.block ? a : b;
}

function digest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

function isValid(tx: TransactionRecord): boolean {
  return tx.validationCode === 'VALID';
}

/** Reads one row ahead of an iterator. */
class Cursor<T> {
  #head: IteratorResult<T>;

  constructor(private readonly rows: IterableIterator<T>) {
    this.#head = rows.next();
  }

  peek(): T | undefined {
    return this.#head.done === true ? undefined : this.#head.value;
  }

  advance(): void {
    this.#head = this.rows.next();
  }

  /** Stops the underlying statement (an unfinished iterator keeps the connection busy). */
  close(): void {
    this.rows.return?.();
  }
}

/** Check 1 for one stored block: numbering, hashes, link, decoding. */
function checkBlockRow(row: BlockRow, expected: number, previousHash: string): Fault | BlockRecord {
  if (row.number !== expected) {
    return { block: expected, reason: `block ${expected} is missing` };
  }
  if (row.previous_hash !== previousHash) {
    return {
      block: expected,
      reason:
        expected === 0
          ? 'block 0 does not start from the zero hash'
          : `the previous hash of block ${expected} is not the hash of block ${expected - 1}`,
    };
  }
  if (sha256Hex(row.data) !== row.data_hash) {
    return { block: expected, reason: `the data hash of block ${expected} does not match its data` };
  }
  if (blockHash(row.number, row.previous_hash, row.data_hash) !== row.hash) {
    return { block: expected, reason: `the hash of block ${expected} does not match its header` };
  }
  try {
    return decodeBlockData(row.number, row.data);
  } catch (error: unknown) {
    if (error instanceof BlockDataError) {
      return { block: expected, reason: error.message };
    }
    throw error;
  }
}

/** Check 2: walks the index in (block, position) order beside the blocks. */
class TransactionIndexCheck {
  readonly #cursor: Cursor<TransactionIndexRow>;
  readonly #lookup: (txId: string) => TransactionIndexRow | undefined;

  constructor(db: LedgerDatabase) {
    this.#cursor = new Cursor(
      db
        .prepare<[], TransactionIndexRow>(
          'SELECT tx_id, block_num, tx_num FROM transactions ORDER BY block_num, tx_num',
        )
        .iterate(),
    );
    const lookup = db.prepare<[string], TransactionIndexRow>(
      'SELECT tx_id, block_num, tx_num FROM transactions WHERE tx_id = ?',
    );
    this.#lookup = (txId) => lookup.get(txId);
  }

  check(block: BlockRecord): Fault | undefined {
    for (const tx of block.transactions) {
      const reason = this.#checkTransaction(block.number, tx);
      if (reason !== undefined) {
        return { block: block.number, reason };
      }
    }
    return undefined;
  }

  /** Whatever the index holds beyond the last block. */
  leftover(): Fault | undefined {
    const row = this.#cursor.peek();
    return row === undefined
      ? undefined
      : {
          block: Math.max(0, row.block_num),
          reason: `the transaction index names ${row.tx_id} at block ${row.block_num}, which is not there`,
        };
  }

  close(): void {
    this.#cursor.close();
  }

  #checkTransaction(blockNum: number, tx: TransactionRecord): string | undefined {
    const row = this.#cursor.peek();
    if (
      row !== undefined &&
      (row.block_num < blockNum || (row.block_num === blockNum && row.tx_num < tx.txIndex))
    ) {
      return `the transaction index names ${row.tx_id} at block ${row.block_num} position ${row.tx_num}, which holds no such transaction`;
    }
    if (row?.block_num === blockNum && row.tx_num === tx.txIndex) {
      this.#cursor.advance();
      if (row.tx_id !== tx.txId) {
        return `the transaction index names ${row.tx_id} where block ${blockNum} holds ${tx.txId}`;
      }
      return tx.validationCode === 'DUPLICATE_TXID'
        ? `transaction ${tx.txId} is marked DUPLICATE_TXID at its first occurrence`
        : undefined;
    }
    // Not indexed here: it must repeat an id indexed earlier.
    const first = this.#lookup(tx.txId);
    const isEarlier =
      first !== undefined &&
      (first.block_num < blockNum || (first.block_num === blockNum && first.tx_num < tx.txIndex));
    if (tx.validationCode !== 'DUPLICATE_TXID' || !isEarlier) {
      return `transaction ${tx.txId} at block ${blockNum} position ${tx.txIndex} is not in the transaction index`;
    }
    return undefined;
  }
}

/** Check 3: walks the history rows in commit order beside the valid writes. */
class HistoryCheck {
  readonly #cursor: Cursor<HistoryRow>;

  constructor(db: LedgerDatabase) {
    this.#cursor = new Cursor(
      db
        .prepare<[], HistoryRow>(
          `SELECT k.key, h.block_num, h.tx_num, h.tx_id, h.timestamp_ms, h.is_delete, h.value
             FROM history h JOIN keys k ON k.id = h.key_id ORDER BY h.id`,
        )
        .iterate(),
    );
  }

  check(block: BlockRecord): Fault | undefined {
    for (const tx of block.transactions.filter(isValid)) {
      for (const write of tx.writeSet.writes) {
        const row = this.#cursor.peek();
        this.#cursor.advance();
        const matches =
          row !== undefined &&
          row.key === write.key &&
          row.block_num === block.number &&
          row.tx_num === tx.txIndex &&
          row.tx_id === tx.txId &&
          row.timestamp_ms === tx.timestamp.getTime() &&
          row.is_delete === (write.isDelete ? 1 : 0) &&
          row.value.equals(write.value);
        if (!matches) {
          return {
            block: block.number,
            reason: `the history of key ${JSON.stringify(write.key)} does not record its write in block ${block.number} transaction ${tx.txIndex}`,
          };
        }
      }
    }
    return undefined;
  }

  /** History rows beyond the last valid write. */
  leftover(): Fault | undefined {
    const row = this.#cursor.peek();
    return row === undefined
      ? undefined
      : {
          block: Math.max(0, row.block_num),
          reason: `the history of key ${JSON.stringify(row.key)} records a write in block ${row.block_num} that no valid transaction made`,
        };
  }

  close(): void {
    this.#cursor.close();
  }
}

/** What the state of one key must be after the replay: a value, or absent after a delete. */
interface ExpectedState {
  blockNum: number;
  txNum: number;
  /** `undefined` when the key's last write was a delete (a tombstone remembers where). */
  valueDigest: string | undefined;
  metadata: string | null;
  seen: boolean;
}

/** Check 4: replays valid write sets as the committer applies them, then compares the state table. */
class StateReplay {
  readonly #expected = new Map<string, ExpectedState>();

  apply(block: BlockRecord): void {
    for (const tx of block.transactions.filter(isValid)) {
      this.#applyTransaction(block.number, tx);
    }
  }

  compare(rows: Iterable<StateRow>): Fault | undefined {
    let fault: Fault | undefined;
    for (const row of rows) {
      fault = earlier(fault, this.#compareRow(row));
    }
    for (const [key, expected] of this.#expected) {
      if (!expected.seen && expected.valueDigest !== undefined) {
        fault = earlier(fault, {
          block: expected.blockNum,
          reason: `state key ${JSON.stringify(key)} written in block ${expected.blockNum} is missing`,
        });
      }
    }
    return fault;
  }

  #applyTransaction(blockNum: number, tx: TransactionRecord): void {
    for (const write of tx.writeSet.writes) {
      // A value write keeps the key's metadata and a delete drops it, as in mvcc.validator.ts.
      const current = this.#expected.get(write.key);
      this.#expected.set(write.key, {
        blockNum,
        txNum: tx.txIndex,
        valueDigest: write.isDelete ? undefined : digest(write.value),
        metadata: write.isDelete || current?.valueDigest === undefined ? null : current.metadata,
        seen: false,
      });
    }
    for (const write of tx.writeSet.metadataWrites) {
      // Metadata of a key that does not exist is ignored, as in mvcc.validator.ts.
      const current = this.#expected.get(write.key);
      if (current?.valueDigest !== undefined) {
        this.#expected.set(write.key, {
          ...current,
          blockNum,
          txNum: tx.txIndex,
          metadata: encodeMetadataColumn(write.metadata),
        });
      }
    }
  }

  #compareRow(row: StateRow): Fault | undefined {
    const expected = this.#expected.get(row.key);
    const key = JSON.stringify(row.key);
    if (expected === undefined) {
      return {
        block: Math.max(0, row.block_num),
        reason: `state key ${key} (version ${row.block_num}:${row.tx_num}) was not written by any valid transaction`,
      };
    }
    if (expected.valueDigest === undefined) {
      return {
        block: expected.blockNum,
        reason: `state key ${key} was deleted in block ${expected.blockNum} but is still in the state`,
      };
    }
    expected.seen = true;
    if (expected.blockNum !== row.block_num || expected.txNum !== row.tx_num) {
      return {
        block: expected.blockNum,
        reason: `state key ${key} has version ${row.block_num}:${row.tx_num}; the chain last wrote it at ${expected.blockNum}:${expected.txNum}`,
      };
    }
    if (expected.valueDigest !== digest(row.value) || expected.metadata !== row.metadata) {
      return {
        block: expected.blockNum,
        reason: `state key ${key} does not hold what block ${expected.blockNum} transaction ${expected.txNum} wrote`,
      };
    }
    return undefined;
  }
}

/** Walks the blocks; returns the first fault of checks 1–3, or the replay for check 4 and the head. */
function walkBlocks(db: LedgerDatabase): Fault | { replay: StateReplay; headHash: string } {
  const index = new TransactionIndexCheck(db);
  const history = new HistoryCheck(db);
  const replay = new StateReplay();
  const blocks = new Cursor(
    db
      .prepare<[], BlockRow>(
        'SELECT number, previous_hash, data_hash, hash, data FROM blocks ORDER BY number',
      )
      .iterate(),
  );
  let previousHash = GENESIS_PREVIOUS_HASH;
  try {
    for (let expected = 0, row = blocks.peek(); row !== undefined; expected += 1, row = blocks.peek()) {
      const block = checkBlockRow(row, expected, previousHash);
      if (!('transactions' in block)) {
        return block;
      }
      const fault = index.check(block) ?? history.check(block);
      if (fault !== undefined) {
        return fault;
      }
      replay.apply(block);
      previousHash = row.hash;
      blocks.advance();
    }
    return earlier(index.leftover(), history.leftover()) ?? { replay, headHash: previousHash };
  } finally {
    blocks.close();
    index.close();
    history.close();
  }
}

/** Check 5: the first state row (by block) whose key number names no key. */
function orphanRow(db: LedgerDatabase): Fault | undefined {
  const row = db
    .prepare<[], { block: number }>(
      `SELECT s.block_num AS block FROM state s LEFT JOIN keys k ON k.id = s.key_id
        WHERE k.id IS NULL ORDER BY s.block_num LIMIT 1`,
    )
    .get();
  return row === undefined ? undefined : { block: row.block, reason: 'a state row names no key' };
}

/** Check 6: the first key (by its first block) indexed not exactly once, or an index entry of no key. */
function keyIndexFault(db: LedgerDatabase): Fault | undefined {
  const [recent, main] = KEY_INDEX_TIERS;
  const firstBlock = `coalesce((SELECT min(h.block_num) FROM history h WHERE h.key_id = x.id), 0)`;
  const unindexed = db
    .prepare<[], { key: string; block: number }>(
      `SELECT x.key, ${firstBlock} AS block FROM keys x
        WHERE (SELECT count(*) FROM ${recent} r WHERE r.key = x.key AND r.id = x.id)
            + (SELECT count(*) FROM ${main} m WHERE m.key = x.key AND m.id = x.id) <> 1
        ORDER BY block LIMIT 1`,
    )
    .get();
  if (unindexed !== undefined) {
    return {
      block: unindexed.block,
      reason: `key ${JSON.stringify(unindexed.key)} is not indexed exactly once`,
    };
  }
  for (const tier of KEY_INDEX_TIERS) {
    const stray = db
      .prepare<[], { key: string; block: number }>(
        `SELECT x.key, ${firstBlock} AS block FROM ${tier} x
          WHERE NOT EXISTS (SELECT 1 FROM keys k WHERE k.id = x.id AND k.key = x.key)
          ORDER BY block LIMIT 1`,
      )
      .get();
    if (stray !== undefined) {
      return {
        block: stray.block,
        reason: `the key index names ${JSON.stringify(stray.key)}, which is no key`,
      };
    }
  }
  return undefined;
}

function check(db: LedgerDatabase): ChainVerification {
  const head = db.prepare<[], { top: number | null }>('SELECT max(number) AS top FROM blocks').get();
  const height = (head?.top ?? -1) + 1;
  const walked = walkBlocks(db);
  if ('reason' in walked) {
    return { ok: false, height, firstBadBlock: walked.block, reason: walked.reason };
  }
  const orphan = orphanRow(db);
  if (orphan !== undefined) {
    return { ok: false, height, firstBadBlock: orphan.block, reason: orphan.reason };
  }
  const stateFault = walked.replay.compare(
    db
      .prepare<[], StateRow>(
        'SELECT k.key, s.value, s.block_num, s.tx_num, s.metadata FROM state s JOIN keys k ON k.id = s.key_id',
      )
      .iterate(),
  );
  if (stateFault !== undefined) {
    return { ok: false, height, firstBadBlock: stateFault.block, reason: stateFault.reason };
  }
  const indexFault = keyIndexFault(db);
  if (indexFault !== undefined) {
    return { ok: false, height, firstBadBlock: indexFault.block, reason: indexFault.reason };
  }
  return { ok: true, height, headHash: walked.headHash };
}

/**
 * Verifies the ledger file at `databaseFile` (see the module documentation for what is checked).
 * Synchronous and linear in the size of the ledger: run it from a script or a worker, not on a
 * request path.
 *
 * @returns `{ ok: true, height, headHash }`, or `{ ok: false, height, firstBadBlock, reason }`.
 * @throws {LedgerStorageError} `missing` when there is no file, `schema` when it is not a ledger.
 * @throws SqliteError when SQLite cannot read the file.
 * @example
 * const result = verifyChain(path.join(dataDir, LEDGER_DATABASE_FILE));
 * if (!result.ok) console.error(`bad from block ${result.firstBadBlock}: ${result.reason}`);
 */
export function verifyChain(databaseFile: string): ChainVerification {
  const db = openLedgerDatabase(databaseFile, { mustExist: true });
  try {
    // One read transaction: every query below sees the same committed snapshot.
    db.exec('BEGIN');
    try {
      return check(db);
    } finally {
      db.exec('COMMIT');
    }
  } finally {
    db.close();
  }
}
