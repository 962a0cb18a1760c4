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
  /**
   * How many entries the recent tier of an index may hold before they move to its main tier, given
   * the main tier's size (see `sqlite.schema.ts`); defaults to {@link defaultRecentIndexLimit}.
   */
  readonly recentIndexLimit?: (mainRows: number) => number;
}

/** Entries a recent index tier holds at least before it is merged: a few blocks' worth. */
const MIN_RECENT_INDEX_ROWS = 4096;

/**
 * The default size of a recent index tier: max(4096, 32·√main). A block rewrites about every page of
 * the recent tier, and a merge about every page of main that receives an entry; growing the recent
 * tier with the square root of main balances the two (about 100,000 entries, some 10 MB, at 10 M keys).
 */
export function defaultRecentIndexLimit(mainRows: number): number {
  return Math.max(MIN_RECENT_INDEX_ROWS, Math.ceil(32 * Math.sqrt(mainRows)));
}

/** Entries in the tiers of the two text indexes. */
interface TierSizes {
  readonly keysRecent: number;
  readonly keysMain: number;
  readonly txRecent: number;
  readonly txMain: number;
}

/** Decoded blocks kept in memory: the newest ones are read again right after their commit. */
const BLOCK_CACHE_SIZE = 8;
/** SQLite's "no limit". */
const NO_LIMIT = -1;

type StateValueRow = Omit<StateRow, 'key'>;
type NullableColumns<T> = { [K in keyof T]: T[K] | null };
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

/**
 * A key's number, looked up in both tiers of the key index; takes the key twice (positional
 * parameters cannot be repeated).
 */
const KEY_ID = `coalesce((SELECT id FROM key_index_recent WHERE key = ?), (SELECT id FROM key_index_main WHERE key = ?))`;

/** A range scan of one key index tier joined with state; `?` are the bounds. */
const scanTier = (tier: string, bounds: string): string =>
  `SELECT k.key, s.value, s.block_num, s.tx_num, s.metadata
     FROM ${tier} k JOIN state s ON s.key_id = k.id WHERE ${bounds}`;

/** The prepared statements of one connection. */
function prepareStatements(db: LedgerDatabase) {
  // A compound SELECT ordered by key: SQLite merges the two tiers' ordered scans (no sort).
  const scanBoth = (bounds: string): string =>
    `${scanTier('key_index_recent', bounds)} UNION ALL ${scanTier('key_index_main', bounds)} ORDER BY 1 LIMIT ?`;
  return {
    begin: db.prepare('BEGIN'),
    commit: db.prepare('COMMIT'),
    head: db.prepare<[], HeadRow>('SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1'),
    get: db.prepare<[string, string], StateValueRow>(
      `SELECT value, block_num, tx_num, metadata FROM state WHERE key_id = ${KEY_ID}`,
    ),
    scanTo: db.prepare<[string, string, string, string, number], StateRow>(
      scanBoth('k.key >= ? AND k.key < ?'),
    ),
    scanFrom: db.prepare<[string, string, number], StateRow>(scanBoth('k.key >= ?')),
    history: db.prepare<[string, string, string], HistoryRow>(
      `SELECT ? AS key, block_num, tx_num, tx_id, timestamp_ms, is_delete, value
         FROM history WHERE key_id = ${KEY_ID} ORDER BY id DESC`,
    ),
    // One row always: the key's number (null when it was never written) and its state, if any.
    versionOf: db.prepare<
      [string, string],
      NullableColumns<Omit<StateValueRow, 'value'>> & { id: number | null }
    >(
      `SELECT k.id, s.block_num, s.tx_num, s.metadata
         FROM (SELECT ${KEY_ID} AS id) k LEFT JOIN state s ON s.key_id = k.id`,
    ),
    keyId: db.prepare<[string, string], { id: number | null }>(`SELECT ${KEY_ID} AS id`),
    insertKey: db.prepare<[string]>('INSERT INTO keys (key) VALUES (?)'),
    indexKey: db.prepare<[string, number]>('INSERT INTO key_index_recent (key, id) VALUES (?, ?)'),
    hasTransaction: db.prepare<[string, string], { found: number }>(
      `SELECT 1 AS found FROM tx_index_recent WHERE tx_id = ?
       UNION ALL SELECT 1 AS found FROM tx_index_main WHERE tx_id = ? LIMIT 1`,
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
      'INSERT OR IGNORE INTO tx_index_recent (tx_id, block_num, tx_num) VALUES (?, ?, ?)',
    ),
    countTier: {
      keysRecent: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM key_index_recent'),
      keysMain: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM key_index_main'),
      txRecent: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tx_index_recent'),
      txMain: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tx_index_main'),
    },
    // The recent tier is read in key order, so the entries enter main in one ascending pass.
    mergeKeys: [
      db.prepare('INSERT INTO key_index_main (key, id) SELECT key, id FROM key_index_recent'),
      db.prepare('DELETE FROM key_index_recent'),
    ],
    mergeTransactions: [
      db.prepare(
        'INSERT INTO tx_index_main (tx_id, block_num, tx_num) SELECT tx_id, block_num, tx_num FROM tx_index_recent',
      ),
      db.prepare('DELETE FROM tx_index_recent'),
    ],
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
  readonly #applyInTransaction: (batch: BlockCommitBatch, header: BlockHeader, data: Buffer) => TierSizes;
  readonly #recentIndexLimit: (mainRows: number) => number;
  #height: number;
  #headHash: string;
  /** Counted at the first write: a reader never needs them. */
  #tiers: TierSizes | undefined;
  /**
   * The key numbers (null: not indexed) that the last consistent read looked up: a block's
   * validation reads every key the block writes, and the write that follows at once needs their
   * numbers again. Kept until that write ends, or the next consistent read begins.
   */
  #validatedKeyIds: Map<string, number | null> | undefined;

  private constructor(file: string, db: LedgerDatabase, options: SqliteStateStoreOptions) {
    this.file = file;
    this.#db = db;
    this.#sql = prepareStatements(db);
    this.#recentIndexLimit = options.recentIndexLimit ?? defaultRecentIndexLimit;
    const head = this.#sql.head.get();
    this.#height = head === undefined ? 0 : head.number + 1;
    this.#headHash = head?.hash ?? GENESIS_PREVIOUS_HASH;
    const apply = db.transaction((batch: BlockCommitBatch, header: BlockHeader, data: Buffer) =>
      this.#write(batch, header, data),
    );
    this.#applyInTransaction = (batch, header, data) => apply.immediate(batch, header, data);
  }

  /**
   * Opens the ledger file at `file`, creating it (and its schema) when it does not exist.
   *
   * @throws {LedgerStorageError} `schema` when the file is not a ledger of this schema version.
   * @throws SqliteError when SQLite cannot open or create the file.
   */
  static open(file: string, options: SqliteStateStoreOptions = {}): SqliteStateStore {
    return new SqliteStateStore(file, openLedgerDatabase(file, options), options);
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
    this.#validatedKeyIds = new Map();
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
    const row = this.#sql.get.get(key, key);
    return row === undefined ? undefined : toVersionedValue(row);
  }

  /** {@inheritDoc VersionedStateStore.versionOf} */
  versionOf(key: string): Omit<VersionedValue, 'value'> | undefined {
    const row = this.#sql.versionOf.get(key, key);
    if (row === undefined) throw new Error('the key lookup returned no row');
    this.#validatedKeyIds?.set(key, row.id);
    return row.block_num === null || row.tx_num === null
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
      endKey === ''
        ? this.#sql.scanFrom.all(startKey, startKey, max)
        : this.#sql.scanTo.all(startKey, endKey, startKey, endKey, max);
    return rows.map(toVersionedKV);
  }

  /** {@inheritDoc VersionedStateStore.history} */
  history(key: string): readonly KeyModificationRecord[] {
    return this.#sql.history.all(key, key, key).map(toModification);
  }

  /** {@inheritDoc VersionedStateStore.hasTransaction} */
  hasTransaction(txId: string): boolean {
    return this.#sql.hasTransaction.get(txId, txId) !== undefined;
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
    const data = encodeBlockData(batch.block.transactions, batch.encoded);
    const header = chainHeader(batch.block.number, this.#headHash, data);
    try {
      this.#tiers = this.#applyInTransaction(batch, header, data);
    } finally {
      this.#validatedKeyIds = undefined;
    }
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

  /** A key's number as the block's validation found it, else as the index has it; undefined if none. */
  #indexedKeyId(key: string): number | undefined {
    const validated = this.#validatedKeyIds?.get(key);
    if (validated !== undefined) return validated ?? undefined;
    return this.#sql.keyId.get(key, key)?.id ?? undefined;
  }

  /** Runs inside the SQLite transaction; answers the index tiers' sizes after it. */
  #write(batch: BlockCommitBatch, header: BlockHeader, data: Buffer): TierSizes {
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
    const tiers = this.#tiers ?? this.#countTiers();
    let newKeys = 0;
    sql.insertBlock.run(header.number, header.previousHash, header.dataHash, header.hash, data);
    const keyIds = new Map<string, number>();
    const keyId = (key: string): number => {
      let id = keyIds.get(key) ?? this.#indexedKeyId(key);
      if (id === undefined) {
        id = Number(sql.insertKey.run(key).lastInsertRowid);
        sql.indexKey.run(key, id);
        newKeys += 1;
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
    const newTransactions = this.#indexTransactions(batch.block);
    return this.#mergeFullTiers({
      ...tiers,
      keysRecent: tiers.keysRecent + newKeys,
      txRecent: tiers.txRecent + newTransactions,
    });
  }

  /** Indexes the ids the block is the first to hold; answers how many. */
  #indexTransactions(block: BlockRecord): number {
    let indexed = 0;
    for (const tx of block.transactions) {
      // A DUPLICATE_TXID transaction repeats an id that is indexed already (perhaps in main).
      if (tx.validationCode !== 'DUPLICATE_TXID') {
        indexed += this.#sql.indexTransaction.run(tx.txId, block.number, tx.txIndex).changes;
      }
    }
    return indexed;
  }

  #countTiers(): TierSizes {
    const count = (statement: Statements['countTier']['keysMain']): number => statement.get()?.n ?? 0;
    const { countTier } = this.#sql;
    return {
      keysRecent: count(countTier.keysRecent),
      keysMain: count(countTier.keysMain),
      txRecent: count(countTier.txRecent),
      txMain: count(countTier.txMain),
    };
  }

  /** Moves a recent tier that has outgrown its limit into its main tier (inside the block's transaction). */
  #mergeFullTiers(tiers: TierSizes): TierSizes {
    let merged = tiers;
    if (merged.keysRecent > this.#recentIndexLimit(merged.keysMain)) {
      for (const statement of this.#sql.mergeKeys) statement.run();
      merged = { ...merged, keysRecent: 0, keysMain: merged.keysMain + merged.keysRecent };
    }
    if (merged.txRecent > this.#recentIndexLimit(merged.txMain)) {
      for (const statement of this.#sql.mergeTransactions) statement.run();
      merged = { ...merged, txRecent: 0, txMain: merged.txMain + merged.txRecent };
    }
    return merged;
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
