/**
 * The durable implementation of the state store port: the embedded peer's world state, key history,
 * hash-chained blocks and transaction-id index in one SQLite file (better-sqlite3, synchronous like the
 * port). A block is applied in one SQLite transaction, so a crash at any point leaves the file at the
 * previous block or the next one, never in between.
 */
import type { BlockHeader } from './block.codec';
import { chainHeader, decodeBlockData, encodeBlockData, GENESIS_PREVIOUS_HASH } from './block.codec';
import type {
  BlockCommitBatch,
  BlockRecord,
  KeyModificationRecord,
  VersionedKV,
  VersionedValue,
} from './ledger.records';
import type { BlockRow, HistoryRow, LedgerDatabase, SqliteSynchronous, StateRow } from './sqlite.schema';
import { decodeMetadataColumn, encodeMetadataColumn, openLedgerDatabase } from './sqlite.schema';
import type { VersionedStateStore } from './state.store';
import { LedgerStorageError } from './storage.errors';

/** How to open a {@link SqliteStateStore}. */
export interface SqliteStateStoreOptions {
  /**
   * `FULL` (default): a committed block survives a process kill and an OS crash or power loss.
   * `NORMAL`: it survives a process kill, but an OS crash may lose the last acknowledged blocks
   * (the file stays consistent). See {@link SqliteSynchronous}.
   */
  readonly synchronous?: SqliteSynchronous;
  /** Refuse to create the file: a reader (a simulation worker) opens a ledger another store writes. */
  readonly mustExist?: boolean;
}

/** Decoded blocks kept in memory: the newest ones are read again right after their commit. */
const BLOCK_CACHE_SIZE = 8;
/** SQLite's "no limit". */
const NO_LIMIT = -1;

type StateValueRow = Omit<StateRow, 'key'>;
type HeadRow = Pick<BlockRow, 'number' | 'hash'>;

function toVersionedValue(row: StateValueRow): VersionedValue {
  return {
    value: row.value,
    version: { blockNum: row.block_num, txNum: row.tx_num },
    metadata: decodeMetadataColumn(row.metadata),
  };
}

function toVersionedKV(row: StateRow): VersionedKV {
  return { key: row.key, ...toVersionedValue(row) };
}

function toModification(row: HistoryRow): KeyModificationRecord {
  return {
    key: row.key,
    txId: row.tx_id,
    timestamp: new Date(row.timestamp_ms),
    isDelete: row.is_delete !== 0,
    value: row.value,
    version: { blockNum: row.block_num, txNum: row.tx_num },
  };
}

/** The prepared statements of one connection. */
function prepareStatements(db: LedgerDatabase) {
  return {
    begin: db.prepare('BEGIN'),
    commit: db.prepare('COMMIT'),
    head: db.prepare<[], HeadRow>('SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1'),
    get: db.prepare<[string], StateValueRow>(
      `SELECT s.value, s.block_num, s.tx_num, s.metadata
         FROM keys k JOIN state s ON s.key_id = k.id WHERE k.key = ?`,
    ),
    scanTo: db.prepare<[string, string, number], StateRow>(
      `SELECT k.key, s.value, s.block_num, s.tx_num, s.metadata
         FROM keys k JOIN state s ON s.key_id = k.id
        WHERE k.key >= ? AND k.key < ? ORDER BY k.key LIMIT ?`,
    ),
    scanFrom: db.prepare<[string, number], StateRow>(
      `SELECT k.key, s.value, s.block_num, s.tx_num, s.metadata
         FROM keys k JOIN state s ON s.key_id = k.id
        WHERE k.key >= ? ORDER BY k.key LIMIT ?`,
    ),
    history: db.prepare<[string], HistoryRow>(
      `SELECT k.key, h.block_num, h.tx_num, h.tx_id, h.timestamp_ms, h.is_delete, h.value
         FROM keys k JOIN history h ON h.key_id = k.id WHERE k.key = ? ORDER BY h.id DESC`,
    ),
    versionOf: db.prepare<[string], Omit<StateValueRow, 'value'>>(
      `SELECT s.block_num, s.tx_num, s.metadata
         FROM keys k JOIN state s ON s.key_id = k.id WHERE k.key = ?`,
    ),
    keyId: db.prepare<[string], { id: number }>('SELECT id FROM keys WHERE key = ?'),
    insertKey: db.prepare<[string]>('INSERT INTO keys (key) VALUES (?)'),
    hasTransaction: db.prepare<[string], { found: number }>(
      'SELECT 1 AS found FROM transactions WHERE tx_id = ?',
    ),
    block: db.prepare<[number], BlockRow>(
      'SELECT number, previous_hash, data_hash, hash, data FROM blocks WHERE number = ?',
    ),
    insertBlock: db.prepare<[number, string, string, string, Buffer]>(
      'INSERT INTO blocks (number, previous_hash, data_hash, hash, data) VALUES (?, ?, ?, ?, ?)',
    ),
    upsertState: db.prepare<[number, Buffer, number, number, string | null]>(
      `INSERT INTO state (key_id, value, block_num, tx_num, metadata) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key_id) DO UPDATE SET
           value = excluded.value, block_num = excluded.block_num,
           tx_num = excluded.tx_num, metadata = excluded.metadata`,
    ),
    deleteState: db.prepare<[number]>('DELETE FROM state WHERE key_id = ?'),
    insertHistory: db.prepare<[number, number, number, string, number, number, Buffer]>(
      `INSERT INTO history (key_id, block_num, tx_num, tx_id, timestamp_ms, is_delete, value)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    indexTransaction: db.prepare<[string, number, number]>(
      'INSERT OR IGNORE INTO transactions (tx_id, block_num, tx_num) VALUES (?, ?, ?)',
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/**
 * A {@link VersionedStateStore} in an SQLite file, in WAL mode. One store (one process) writes a
 * file; other connections may read it (the verifier does). A second writer is detected at its next
 * commit and refused.
 *
 * @example
 * const store = SqliteStateStore.open('./data/ledger.sqlite');
 * const peer = new PeerSimulator(contracts, { channel: 'food-safety', chaincodeName: 'inspection', store });
 * // … later
 * store.close();
 */
export class SqliteStateStore implements VersionedStateStore {
  /** The ledger file. */
  readonly file: string;

  readonly #db: LedgerDatabase;
  readonly #sql: Statements;
  readonly #blockCache = new Map<number, BlockRecord>();
  readonly #applyInTransaction: (batch: BlockCommitBatch, header: BlockHeader, data: Buffer) => void;
  #height: number;
  #headHash: string;

  private constructor(file: string, db: LedgerDatabase) {
    this.file = file;
    this.#db = db;
    this.#sql = prepareStatements(db);
    const head = this.#sql.head.get();
    this.#height = head === undefined ? 0 : head.number + 1;
    this.#headHash = head?.hash ?? GENESIS_PREVIOUS_HASH;
    const apply = db.transaction((batch: BlockCommitBatch, header: BlockHeader, data: Buffer) => {
      this.#write(batch, header, data);
    });
    this.#applyInTransaction = (batch, header, data) => {
      apply.immediate(batch, header, data);
    };
  }

  /**
   * Opens the ledger file at `file`, creating it (and its schema) when it does not exist.
   *
   * @throws {LedgerStorageError} `schema` when the file is not a ledger of this schema version.
   * @throws SqliteError when SQLite cannot open or create the file.
   */
  static open(file: string, options: SqliteStateStoreOptions = {}): SqliteStateStore {
    return new SqliteStateStore(file, openLedgerDatabase(file, options));
  }

  /**
   * Runs `work` inside one SQLite read transaction, so that every read it makes sees the same
   * committed state even while another connection commits blocks (the snapshot is taken at the first
   * read). `work` must be the only user of this store until it settles (reads from other callers
   * would join the snapshot). `height` is not refreshed: it is this store's own writes' height.
   *
   * @throws SqliteError when the read transaction cannot start.
   */
  async readSnapshot<T>(work: () => Promise<T>): Promise<T> {
    this.#sql.begin.run();
    try {
      return await work();
    } finally {
      this.#sql.commit.run();
    }
  }

  /**
   * {@inheritDoc VersionedStateStore.readConsistently}
   *
   * Inside {@link readSnapshot} (a worker's proposal) the reads join that snapshot instead.
   *
   * @throws SqliteError when the read transaction cannot start.
   */
  readConsistently<T>(work: () => T): T {
    if (this.#db.inTransaction) {
      return work();
    }
    this.#sql.begin.run();
    try {
      return work();
    } finally {
      this.#sql.commit.run();
    }
  }

  /** {@inheritDoc VersionedStateStore.height} */
  get height(): number {
    return this.#height;
  }

  /** The hash of the last block; 64 zero hex digits while there is none. */
  get headHash(): string {
    return this.#headHash;
  }

  /** {@inheritDoc VersionedStateStore.get} */
  get(key: string): VersionedValue | undefined {
    const row = this.#sql.get.get(key);
    return row === undefined ? undefined : toVersionedValue(row);
  }

  /** {@inheritDoc VersionedStateStore.versionOf} */
  versionOf(key: string): Omit<VersionedValue, 'value'> | undefined {
    const row = this.#sql.versionOf.get(key);
    return row === undefined
      ? undefined
      : {
          version: { blockNum: row.block_num, txNum: row.tx_num },
          metadata: decodeMetadataColumn(row.metadata),
        };
  }

  /** {@inheritDoc VersionedStateStore.scan} */
  scan(startKey: string, endKey: string, limit?: number): readonly VersionedKV[] {
    const max = limit === undefined || !Number.isFinite(limit) ? NO_LIMIT : Math.max(0, Math.floor(limit));
    const rows =
      endKey === '' ? this.#sql.scanFrom.all(startKey, max) : this.#sql.scanTo.all(startKey, endKey, max);
    return rows.map(toVersionedKV);
  }

  /** {@inheritDoc VersionedStateStore.history} */
  history(key: string): readonly KeyModificationRecord[] {
    return this.#sql.history.all(key).map(toModification);
  }

  /** {@inheritDoc VersionedStateStore.hasTransaction} */
  hasTransaction(txId: string): boolean {
    return this.#sql.hasTransaction.get(txId) !== undefined;
  }

  /**
   * {@inheritDoc VersionedStateStore.block}
   *
   * @throws {BlockDataError} when the stored data of the block does not decode.
   */
  block(blockNumber: number): BlockRecord | undefined {
    const cached = this.#blockCache.get(blockNumber);
    if (cached !== undefined) {
      return cached;
    }
    const row = this.#sql.block.get(blockNumber);
    if (row === undefined) {
      return undefined;
    }
    const block = decodeBlockData(row.number, row.data);
    this.#remember(block);
    return block;
  }

  /** The stored header of a block (its hashes), or `undefined` beyond the height. */
  blockHeader(blockNumber: number): BlockHeader | undefined {
    const row = this.#sql.block.get(blockNumber);
    return row === undefined
      ? undefined
      : { number: row.number, previousHash: row.previous_hash, dataHash: row.data_hash, hash: row.hash };
  }

  /**
   * {@inheritDoc VersionedStateStore.applyBlock}
   *
   * Encodes and hashes the block, then writes it, the state updates, the history and the transaction
   * ids in one SQLite transaction: when this returns, the block is durable (see `synchronous`).
   *
   * @throws RangeError when `batch.block.number` is not the current height.
   * @throws {LedgerStorageError} `concurrent-writer` when another connection appended a block since this
   *   store last wrote; `closed` after {@link close}.
   * @throws SqliteError when SQLite fails (disk full, I/O error); nothing is written then.
   */
  applyBlock(batch: BlockCommitBatch): void {
    if (!this.#db.open) {
      throw new LedgerStorageError(`the ledger store ${this.file} is closed`, 'closed');
    }
    if (batch.block.number !== this.#height) {
      throw new RangeError(`block ${batch.block.number} cannot follow height ${this.#height}`);
    }
    const data = encodeBlockData(batch.block.transactions);
    const header = chainHeader(batch.block.number, this.#headHash, data);
    this.#applyInTransaction(batch, header, data);
    this.#height += 1;
    this.#headHash = header.hash;
    this.#remember(batch.block);
  }

  /** Closes the database; later reads and writes throw. Idempotent. */
  close(): void {
    if (this.#db.open) {
      this.#db.close();
    }
    this.#blockCache.clear();
  }

  /** Runs inside the SQLite transaction. */
  #write(batch: BlockCommitBatch, header: BlockHeader, data: Buffer): void {
    const head = this.#sql.head.get();
    if (
      (head?.hash ?? GENESIS_PREVIOUS_HASH) !== this.#headHash ||
      (head?.number ?? -1) !== this.#height - 1
    ) {
      throw new LedgerStorageError(
        `another connection wrote to ${this.file}: its last block is ${head?.number ?? 'none'}, this store expected ${this.#height - 1}`,
        'concurrent-writer',
      );
    }
    const sql = this.#sql;
    sql.insertBlock.run(header.number, header.previousHash, header.dataHash, header.hash, data);
    const keyIds = new Map<string, number>();
    const keyId = (key: string): number => {
      let id = keyIds.get(key) ?? sql.keyId.get(key)?.id;
      if (id === undefined) {
        id = Number(sql.insertKey.run(key).lastInsertRowid);
      }
      keyIds.set(key, id);
      return id;
    };
    for (const update of batch.updates) {
      if (update.value === null) {
        sql.deleteState.run(keyId(update.key));
      } else {
        sql.upsertState.run(
          keyId(update.key),
          update.value,
          update.version.blockNum,
          update.version.txNum,
          encodeMetadataColumn(update.metadata),
        );
      }
    }
    for (const entry of batch.history) {
      sql.insertHistory.run(
        keyId(entry.key),
        entry.version.blockNum,
        entry.version.txNum,
        entry.txId,
        entry.timestamp.getTime(),
        entry.isDelete ? 1 : 0,
        entry.value,
      );
    }
    for (const tx of batch.block.transactions) {
      sql.indexTransaction.run(tx.txId, batch.block.number, tx.txIndex);
    }
  }

  #remember(block: BlockRecord): void {
    this.#blockCache.delete(block.number);
    this.#blockCache.set(block.number, block);
    for (const oldest of this.#blockCache.keys()) {
      if (this.#blockCache.size <= BLOCK_CACHE_SIZE) {
        break;
      }
      this.#blockCache.delete(oldest);
    }
  }
}
