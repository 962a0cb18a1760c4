/**
 * The layout of the embedded ledger's SQLite file, shared by the store that writes it and the
 * verifier that re-checks it through its own connection.
 *
 * - `blocks(number, previous_hash, data_hash, hash, data)`: one row per block; `data` is the
 *   canonical encoding of its transactions (see `block.codec.ts`), hashes are lowercase hex.
 * - `keys(id, key)`: every key ever written, numbered as keys are first written; a key keeps its
 *   number after a delete. Append-only: looking a key up by its text goes through the key index.
 * - `state(key_id, value, block_num, tx_num, metadata)`: the world state; `(block_num, tx_num)` is the
 *   key's version, `metadata` the JSON of sorted `[metakey, base64]` pairs or NULL when there is none.
 * - `history(id, key_id, block_num, tx_num, tx_id, timestamp_ms, is_delete, value)`: every committed
 *   write and delete; `id` grows in commit order.
 * - the key index, `key_index_recent(key, id)` and `key_index_main(key, id)`: every key of `keys`
 *   under its text, in exactly one of the two.
 * - the transaction-id index, `tx_index_recent(tx_id, block_num, tx_num)` and `tx_index_main(…)`
 *   (read together as the view `transactions`): where each transaction id first appears (valid or
 *   not), for the DUPLICATE_TXID check, each id in exactly one of the two.
 *
 * State and history point at `keys` by number rather than holding the key text, so that a block's
 * new keys land at the end of both tables and of the history index. Only the two text indexes take
 * a block's keys and transaction ids at scattered places, and SQLite writes every page an insert
 * touches to the WAL whole: one index of all keys made each block rewrite most of its pages, so the
 * cost of a block grew with the ledger. Each text index is therefore kept in two tiers, as LSM trees
 * do: new entries go to the small `recent` tier, whose few pages a block rewrites, and when it holds
 * more than about 32·√(size of `main`) entries, they move to `main` in one sorted pass, inside the
 * block's own transaction. A lookup probes both tiers; a range scan merges them in key order.
 *
 * Keys are TEXT compared with SQLite's BINARY collation, i.e. UTF-8 byte order, which is Unicode code
 * point order: the order of Fabric's LevelDB and of `compareKeys`.
 */
import { existsSync } from 'node:fs';

import Database from 'better-sqlite3';
import { z } from 'zod';

import type { StateMetadata } from './ledger.records';
import { LedgerStorageError } from './storage.errors';

/** The ledger file's name inside a data directory. */
export const LEDGER_DATABASE_FILE = 'ledger.sqlite';

/**
 * `PRAGMA user_version` of the layout above. Version 1 (keys as text in state and history) and version 2
 * (one key index inside `keys`, one transaction-id table) are migrated on open.
 */
export const SCHEMA_VERSION = 3;

/** The page size of a newly created ledger file, in bytes (SQLite's largest). */
const PAGE_SIZE = 65_536;

/**
 * How much WAL a commit lets grow before it checkpoints it into the file (`wal_autocheckpoint`), in
 * bytes. The checkpoint runs inside that block's commit and copies every page the WAL holds, so its
 * size is a pause for every submitter waiting on the block. At SQLite's default of 1,000 pages (64 MiB
 * here) the longest block commits of the HTTP benchmark took 63–75 ms and set the API's p99 latency;
 * at 8 MiB the longest took 19.5 ms, with the same throughput.
 */
const WAL_CHECKPOINT_BYTES = 8 * 1024 * 1024;

/**
 * How hard SQLite flushes a commit to disk (`PRAGMA synchronous`, in WAL mode):
 * - `FULL` (the default): every committed block survives a process kill and an OS crash or power loss;
 * - `NORMAL`: a committed block survives a process kill, but the last blocks acknowledged before an OS
 *   crash or power loss may be lost (the file stays consistent either way). Faster: one fsync per WAL
 *   checkpoint instead of one per block.
 */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

/** A type alias for the connection, so that callers need not import better-sqlite3's namespace. */
export type LedgerDatabase = Database.Database;

/** A row of `blocks`. */
export interface BlockRow {
  readonly number: number;
  readonly previous_hash: string;
  readonly data_hash: string;
  readonly hash: string;
  readonly data: Buffer;
}

/** A row of `state` as it is read, with its key's text joined from `keys`. */
export interface StateRow {
  readonly key: string;
  readonly value: Buffer;
  readonly block_num: number;
  readonly tx_num: number;
  readonly metadata: string | null;
}

/** A row of `history` as it is read, with its key's text joined from `keys`. */
export interface HistoryRow {
  readonly key: string;
  readonly block_num: number;
  readonly tx_num: number;
  readonly tx_id: string;
  readonly timestamp_ms: number;
  readonly is_delete: number;
  readonly value: Buffer;
}

/** A row of `transactions`. */
export interface TransactionIndexRow {
  readonly tx_id: string;
  readonly block_num: number;
  readonly tx_num: number;
}

// Tables named so that a migration can build them beside the ones they replace.

/** Version 2's key numbering, with the key index inside it (kept to migrate version 1 files). */
const KEYS_TABLE_V2 = `
  CREATE TABLE keys (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE COLLATE BINARY
  );`;

const keysTable = (name: string): string => `
  CREATE TABLE ${name} (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL
  );`;

const stateTable = (name: string): string => `
  CREATE TABLE ${name} (
    key_id INTEGER PRIMARY KEY REFERENCES keys (id),
    value BLOB NOT NULL,
    block_num INTEGER NOT NULL,
    tx_num INTEGER NOT NULL,
    metadata TEXT
  );`;

const historyTable = (name: string): string => `
  CREATE TABLE ${name} (
    id INTEGER PRIMARY KEY,
    key_id INTEGER NOT NULL REFERENCES keys (id),
    block_num INTEGER NOT NULL,
    tx_num INTEGER NOT NULL,
    tx_id TEXT NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    is_delete INTEGER NOT NULL,
    value BLOB NOT NULL
  );`;

const HISTORY_INDEX = 'CREATE INDEX history_by_key ON history (key_id);';

/** The tiers of the key index (see the module documentation). */
export const KEY_INDEX_TIERS = ['key_index_recent', 'key_index_main'] as const;

const INDEX_TIERS = `
  CREATE TABLE key_index_recent (key TEXT PRIMARY KEY COLLATE BINARY, id INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE key_index_main (key TEXT PRIMARY KEY COLLATE BINARY, id INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE tx_index_recent (
    tx_id TEXT PRIMARY KEY, block_num INTEGER NOT NULL, tx_num INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE tx_index_main (
    tx_id TEXT PRIMARY KEY, block_num INTEGER NOT NULL, tx_num INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE VIEW transactions AS
    SELECT tx_id, block_num, tx_num FROM tx_index_recent
    UNION ALL SELECT tx_id, block_num, tx_num FROM tx_index_main;
`;

const SCHEMA = `
  CREATE TABLE blocks (
    number INTEGER PRIMARY KEY,
    previous_hash TEXT NOT NULL,
    data_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    data BLOB NOT NULL
  );
  ${keysTable('keys')}
  ${stateTable('state')}
  ${historyTable('history')}
  ${HISTORY_INDEX}
  ${INDEX_TIERS}
`;

/** How to open the ledger file. */
export interface OpenLedgerDatabaseOptions {
  /** See {@link SqliteSynchronous}; defaults to `FULL`. */
  readonly synchronous?: SqliteSynchronous;
  /** Refuse to create the file or its schema when they do not exist (the verifier only reads). */
  readonly mustExist?: boolean;
}

function userVersion(db: LedgerDatabase): number {
  return z
    .number()
    .int()
    .parse(db.pragma('user_version', { simple: true }));
}

/**
 * Version 1 → 2: state and history name their key by its number in `keys` instead of holding its
 * text. Blocks and transaction ids are untouched, so every hash stays as it was.
 */
const MIGRATE_1_TO_2 = `
  ${KEYS_TABLE_V2}
  INSERT INTO keys (key) SELECT key FROM history GROUP BY key ORDER BY min(id);
  INSERT OR IGNORE INTO keys (key) SELECT key FROM state;
  ${stateTable('state_v2')}
  INSERT INTO state_v2 (key_id, value, block_num, tx_num, metadata)
    SELECT k.id, s.value, s.block_num, s.tx_num, s.metadata FROM state s JOIN keys k ON k.key = s.key;
  ${historyTable('history_v2')}
  INSERT INTO history_v2 (id, key_id, block_num, tx_num, tx_id, timestamp_ms, is_delete, value)
    SELECT h.id, k.id, h.block_num, h.tx_num, h.tx_id, h.timestamp_ms, h.is_delete, h.value
      FROM history h JOIN keys k ON k.key = h.key ORDER BY h.id;
  DROP TABLE state;
  DROP TABLE history;
  ALTER TABLE state_v2 RENAME TO state;
  ALTER TABLE history_v2 RENAME TO history;
  ${HISTORY_INDEX}
`;

/**
 * Version 2 → 3: `keys` loses its text index, which moves to the key index tiers, and the
 * transaction-id table becomes the transaction-id index tiers. Every entry starts in `main`. Key
 * numbers, state, history and blocks are untouched. Runs with foreign key checks off, because
 * `keys` is rebuilt under the rows that point at it; the caller checks them before committing.
 */
const MIGRATE_2_TO_3 = `
  ${keysTable('keys_v3')}
  INSERT INTO keys_v3 (id, key) SELECT id, key FROM keys ORDER BY id;
  DROP TABLE keys;
  ALTER TABLE keys_v3 RENAME TO keys;
  ALTER TABLE transactions RENAME TO transactions_v2;
  ${INDEX_TIERS}
  INSERT INTO key_index_main (key, id) SELECT key, id FROM keys ORDER BY key;
  INSERT INTO tx_index_main (tx_id, block_num, tx_num)
    SELECT tx_id, block_num, tx_num FROM transactions_v2 ORDER BY tx_id;
  DROP TABLE transactions_v2;
`;

function migrate(db: LedgerDatabase, from: number): void {
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1 ? 'ON' : 'OFF';
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      if (from === 1) {
        db.exec(MIGRATE_1_TO_2);
      }
      db.exec(MIGRATE_2_TO_3);
      const dangling = db.pragma('foreign_key_check') as unknown[];
      if (dangling.length > 0) {
        throw new LedgerStorageError(
          `the ledger file's rows do not all name a key (${dangling.length} found); it was not migrated`,
          'schema',
        );
      }
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys}`);
  }
}

function ensureSchema(db: LedgerDatabase, file: string, create: boolean): void {
  const version = userVersion(db);
  if (version === SCHEMA_VERSION) {
    return;
  }
  if (version === 0 && !create) {
    throw new LedgerStorageError(`${file} is not a ledger file (no ledger schema)`, 'schema');
  }
  if ((version === 1 || version === 2) && create) {
    migrate(db, version);
    return;
  }
  if (version !== 0) {
    throw new LedgerStorageError(
      version === 1 || version === 2
        ? `${file} has ledger schema version ${version}; start the service on it once to bring it to version ${SCHEMA_VERSION}`
        : `${file} has ledger schema version ${version}; this code reads version ${SCHEMA_VERSION}`,
      'schema',
    );
  }
  db.transaction(() => {
    const tables = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM sqlite_schema`).get();
    if ((tables?.n ?? 0) > 0) {
      throw new LedgerStorageError(`${file} is an SQLite database but not a ledger`, 'schema');
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/**
 * Opens (and on first use creates) a ledger file in WAL mode with the schema above.
 *
 * @throws {LedgerStorageError} `missing` when `mustExist` and there is no file; `schema` when the file
 *   is not a ledger of this schema version (or, with `mustExist`, not yet a ledger at all).
 * @throws SqliteError when SQLite cannot open the file at all.
 */
export function openLedgerDatabase(file: string, options: OpenLedgerDatabaseOptions = {}): LedgerDatabase {
  if (options.mustExist === true && !existsSync(file)) {
    throw new LedgerStorageError(`there is no ledger file at ${file}`, 'missing');
  }
  const db = new Database(file);
  try {
    // 64 KiB pages for a new file (SQLite ignores this for an existing one): a block is a few
    // megabytes of data, and with 4 KiB pages its commit spent most of its time writing WAL frames.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    const pageSize = z
      .number()
      .int()
      .positive()
      .parse(db.pragma('page_size', { simple: true }));
    db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.round(WAL_CHECKPOINT_BYTES / pageSize))}`);
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    // 64 MiB of page cache: state reads stay in memory for a pilot-sized ledger.
    db.pragma('cache_size = -65536');
    ensureSchema(db, file, options.mustExist !== true);
    return db;
  } catch (error: unknown) {
    db.close();
    throw error;
  }
}

const metadataColumnSchema = z.array(z.tuple([z.string(), z.string()]));

const NO_METADATA: StateMetadata = Object.freeze({});

/**
 * The `metadata` column for key-level metadata: JSON of `[metakey, base64]` pairs sorted by metakey,
 * or NULL when there is none (the common case).
 */
export function encodeMetadataColumn(metadata: StateMetadata): string | null {
  const metakeys = Object.keys(metadata).sort();
  if (metakeys.length === 0) {
    return null;
  }
  return JSON.stringify(metakeys.map((metakey) => [metakey, metadata[metakey]?.toString('base64') ?? '']));
}

/**
 * Reads the `metadata` column back.
 *
 * @throws ZodError when the column does not hold metadata pairs.
 */
export function decodeMetadataColumn(column: string | null): StateMetadata {
  if (column === null) {
    return NO_METADATA;
  }
  const pairs = metadataColumnSchema.parse(JSON.parse(column));
  return Object.fromEntries(pairs.map(([metakey, value]) => [metakey, Buffer.from(value, 'base64')]));
}
