import path from 'node:path';

import Database from 'better-sqlite3';
import fc from 'fast-check';

import type {
  BlockCommitBatch,
  StateUpdate,
  TransactionRecord,
} from '../../../../gateway/ledger/embedded/ledger.records';
import { MemoryStateStore } from '../../../../gateway/ledger/embedded/memory.state.store';
import type { SqliteStateStoreOptions } from '../../../../gateway/ledger/embedded/sqlite.state.store';
import {
  defaultRecentIndexLimit,
  SqliteStateStore,
} from '../../../../gateway/ledger/embedded/sqlite.state.store';
import type { VersionedStateStore } from '../../../../gateway/ledger/embedded/state.store';
import { LedgerStorageError } from '../../../../gateway/ledger/embedded/storage.errors';
import { verifyChain } from '../../../../gateway/ledger/embedded/chain.verifier';
import { openLedgerDatabase } from '../../../../gateway/ledger/embedded/sqlite.schema';
import type { TempDir } from './embedded.fixture';
import { tempDir } from './embedded.fixture';

const T0 = Date.parse('2025-03-01T08:00:00.000Z');

function put(key: string, value: string, blockNum: number, txNum = 0): StateUpdate {
  return { key, value: Buffer.from(value), metadata: {}, version: { blockNum, txNum } };
}

function remove(key: string, blockNum: number, txNum = 0): StateUpdate {
  return { key, value: null, metadata: {}, version: { blockNum, txNum } };
}

/** A valid transaction that wrote `updates` (all with txNum 0). */
function transaction(blockNum: number, updates: readonly StateUpdate[]): TransactionRecord {
  return {
    txId: `tx-${blockNum}`,
    txIndex: 0,
    validationCode: 'VALID',
    timestamp: new Date(T0 + blockNum * 1000),
    creator: { mspId: 'EnterpriseMSP', certificate: 'PEM' },
    fcn: 'Put',
    args: updates.map((update) => update.key),
    status: 200,
    payload: Buffer.alloc(0),
    readSet: { reads: [], rangeQueries: [] },
    writeSet: {
      writes: updates.map((update) => ({
        key: update.key,
        isDelete: update.value === null,
        value: update.value ?? Buffer.alloc(0),
      })),
      metadataWrites: [],
    },
  };
}

/** The batch the validator would produce for one transaction writing `updates`. */
function batch(blockNum: number, updates: StateUpdate[]): BlockCommitBatch {
  const tx = transaction(blockNum, updates);
  return {
    block: { number: blockNum, transactions: [tx] },
    updates,
    history: updates.map((update) => ({
      key: update.key,
      txId: tx.txId,
      timestamp: tx.timestamp,
      isDelete: update.value === null,
      value: update.value ?? Buffer.alloc(0),
      version: update.version,
    })),
  };
}

let dir: TempDir;
const stores: SqliteStateStore[] = [];

beforeEach(() => {
  dir = tempDir('sqlite-store');
});

afterEach(() => {
  stores.splice(0).forEach((store) => {
    store.close();
  });
  dir.remove();
});

function ledgerFile(): string {
  return path.join(dir.path, 'ledger.sqlite');
}

function openSqlite(options: SqliteStateStoreOptions = {}): SqliteStateStore {
  const store = SqliteStateStore.open(ledgerFile(), options);
  stores.push(store);
  return store;
}

/** Moves the recent index tiers to main whenever they hold more than one entry. */
const openSqliteMergingOften = (): SqliteStateStore => openSqlite({ recentIndexLimit: () => 1 });

/**
 * The batch with an invalid timestamp on its history entries: applying it fails at the history
 * insert, after the block and state rows were written.
 */
function failingHalfWay(committed: BlockCommitBatch): BlockCommitBatch {
  return {
    ...committed,
    history: committed.history.map((entry) => ({ ...entry, timestamp: new Date(Number.NaN) })),
  };
}

/** Commits two blocks (b and a; then a again, b deleted, c new) and closes the store; answers its head hash. */
function twoBlocksClosed(): string {
  const store = openSqlite();
  store.applyBlock(batch(0, [put('b', 'x', 0), put('a', 'v1', 0)]));
  store.applyBlock(batch(1, [put('a', 'v2', 1), remove('b', 1), put('c', 'y', 1)]));
  const head = store.headHash;
  store.close();
  stores.splice(0);
  return head;
}

/** Rewrites a closed ledger file into the version 2 layout, rows and all. */
function rewriteAsVersion2(file: string): void {
  const db = new Database(file);
  db.pragma('foreign_keys = OFF');
  db.exec(`
    DROP VIEW transactions;
    CREATE TABLE transactions (tx_id TEXT PRIMARY KEY, block_num INTEGER NOT NULL, tx_num INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO transactions SELECT tx_id, block_num, tx_num FROM tx_index_recent
      UNION ALL SELECT tx_id, block_num, tx_num FROM tx_index_main;
    DROP TABLE tx_index_recent; DROP TABLE tx_index_main;
    CREATE TABLE keys_v2 (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE COLLATE BINARY);
    INSERT INTO keys_v2 SELECT id, key FROM keys;
    DROP TABLE key_index_recent; DROP TABLE key_index_main; DROP TABLE keys;
    ALTER TABLE keys_v2 RENAME TO keys;
    PRAGMA user_version = 2;
  `);
  db.close();
}

describe.each<[string, () => VersionedStateStore]>([
  ['MemoryStateStore (reference)', () => new MemoryStateStore()],
  ['SqliteStateStore', () => openSqlite()],
  ['SqliteStateStore, index tiers merged at almost every block', openSqliteMergingOften],
])('%s — the state store port', (_name, open) => {
  it('scans keys in code point order, as LevelDB orders UTF-8 bytes', () => {
    const store = open();
    const keys = ['\u{1F600}', '\uE000', 'b', 'a', 'a\u0000', '\u0000idx\u0000a\u0000'];
    store.applyBlock(
      batch(
        0,
        keys.map((key) => put(key, key, 0)),
      ),
    );

    expect(store.scan('', '').map((kv) => kv.key)).toEqual([
      '\u0000idx\u0000a\u0000',
      'a',
      'a\u0000',
      'b',
      '\uE000',
      '\u{1F600}',
    ]);
    expect(store.scan('a', '\u{10FFFF}').map((kv) => kv.key)).toEqual([
      'a',
      'a\u0000',
      'b',
      '\uE000',
      '\u{1F600}',
    ]);
    expect(store.scan('a\u0000', 'c', 2).map((kv) => kv.key)).toEqual(['a\u0000', 'b']);
    expect(
      store.scan('\u0000idx\u0000', '\u0000idx\u0000\u{10FFFF}').map((kv) => kv.value.toString()),
    ).toEqual(['\u0000idx\u0000a\u0000']);
  });

  it('answers values with their version and metadata', () => {
    const store = open();
    store.applyBlock(
      batch(0, [{ ...put('k', 'v', 0), metadata: { VALIDATION_PARAMETER: Buffer.from('policy') } }]),
    );
    store.applyBlock(batch(1, [put('other', 'x', 1, 0)]));

    expect(store.get('k')).toMatchObject({
      value: Buffer.from('v'),
      version: { blockNum: 0, txNum: 0 },
      metadata: { VALIDATION_PARAMETER: Buffer.from('policy') },
    });
    expect(store.versionOf('k')).toMatchObject({
      version: { blockNum: 0, txNum: 0 },
      metadata: { VALIDATION_PARAMETER: Buffer.from('policy') },
    });
    expect(store.get('missing')).toBeUndefined();
    expect(store.versionOf('missing')).toBeUndefined();
  });

  it('deletes keys from state and range scans, and keeps their history newest first', () => {
    const store = open();
    store.applyBlock(batch(0, [put('a', 'v1', 0), put('b', 'x', 0)]));
    store.applyBlock(batch(1, [remove('a', 1)]));

    expect(store.get('a')).toBeUndefined();
    expect(store.scan('', '').map((kv) => kv.key)).toEqual(['b']);
    expect(store.history('a')).toEqual([
      {
        key: 'a',
        txId: 'tx-1',
        timestamp: new Date(T0 + 1000),
        isDelete: true,
        value: Buffer.alloc(0),
        version: { blockNum: 1, txNum: 0 },
      },
      {
        key: 'a',
        txId: 'tx-0',
        timestamp: new Date(T0),
        isDelete: false,
        value: Buffer.from('v1'),
        version: { blockNum: 0, txNum: 0 },
      },
    ]);
    expect(store.height).toBe(2);
  });

  it('indexes transaction ids and returns committed blocks', () => {
    const store = open();
    const committed = batch(0, [put('a', 'v', 0)]);
    store.applyBlock(committed);

    expect(store.hasTransaction('tx-0')).toBe(true);
    expect(store.hasTransaction('tx-1')).toBe(false);
    expect(store.block(0)).toEqual(committed.block);
    expect(store.block(1)).toBeUndefined();
  });

  it('refuses a block that does not follow the current height', () => {
    const store = open();

    expect(() => {
      store.applyBlock(batch(1, [put('a', 'v', 1)]));
    }).toThrow('block 1 cannot follow height 0');
    expect(store.get('a')).toBeUndefined();
  });
});

describe('SqliteStateStore — durability', () => {
  it('keeps state, history, blocks, transaction ids and height across close and reopen', () => {
    const first = openSqlite();
    first.applyBlock(batch(0, [put('a', 'v1', 0), put('b', 'x', 0)]));
    first.applyBlock(batch(1, [put('a', 'v2', 1), remove('b', 1)]));
    const head = first.headHash;
    const blocks = [first.block(0), first.block(1)];
    first.close();

    const reopened = openSqlite();

    expect(reopened.height).toBe(2);
    expect(reopened.headHash).toBe(head);
    expect(reopened.get('a')?.value.toString()).toBe('v2');
    expect(reopened.get('b')).toBeUndefined();
    expect(reopened.history('a').map((entry) => entry.value.toString())).toEqual(['v2', 'v1']);
    expect(reopened.hasTransaction('tx-1')).toBe(true);
    expect([reopened.block(0), reopened.block(1)]).toEqual(blocks);
    reopened.applyBlock(batch(2, [put('c', 'z', 2)]));
    expect(reopened.blockHeader(2)?.previousHash).toBe(head);
  });

  it('brings a schema version 1 file (keys as text in state and history) to version 3 on open', () => {
    const head = twoBlocksClosed();
    // Rewrite the file into the version 1 layout, rows and all.
    rewriteAsVersion2(ledgerFile());
    const db = new Database(ledgerFile());
    db.exec(`
      CREATE TABLE state_v1 (key TEXT NOT NULL UNIQUE COLLATE BINARY, value BLOB NOT NULL,
        block_num INTEGER NOT NULL, tx_num INTEGER NOT NULL, metadata TEXT);
      INSERT INTO state_v1 SELECT k.key, s.value, s.block_num, s.tx_num, s.metadata
        FROM state s JOIN keys k ON k.id = s.key_id;
      CREATE TABLE history_v1 (id INTEGER PRIMARY KEY, key TEXT NOT NULL COLLATE BINARY,
        block_num INTEGER NOT NULL, tx_num INTEGER NOT NULL, tx_id TEXT NOT NULL,
        timestamp_ms INTEGER NOT NULL, is_delete INTEGER NOT NULL, value BLOB NOT NULL);
      INSERT INTO history_v1 SELECT h.id, k.key, h.block_num, h.tx_num, h.tx_id, h.timestamp_ms, h.is_delete, h.value
        FROM history h JOIN keys k ON k.id = h.key_id;
      DROP TABLE state; DROP TABLE history; DROP TABLE keys;
      ALTER TABLE state_v1 RENAME TO state; ALTER TABLE history_v1 RENAME TO history;
      CREATE INDEX history_by_key ON history (key);
      PRAGMA user_version = 1;
    `);
    db.close();
    expect(() => SqliteStateStore.open(ledgerFile(), { mustExist: true })).toThrow(/version 1/);

    const migrated = openSqlite();

    expect(migrated.height).toBe(2);
    expect(migrated.headHash).toBe(head);
    expect(migrated.get('a')).toMatchObject({ value: Buffer.from('v2'), version: { blockNum: 1, txNum: 0 } });
    expect(migrated.get('b')).toBeUndefined();
    expect(migrated.scan('', '').map((kv) => kv.key)).toEqual(['a', 'c']);
    expect(migrated.history('b').map((entry) => entry.isDelete)).toEqual([true, false]);
    expect(migrated.history('a').map((entry) => entry.value.toString())).toEqual(['v2', 'v1']);
    migrated.applyBlock(batch(2, [put('b', 'back', 2)]));
    expect(migrated.history('b').map((entry) => entry.value.toString())).toEqual(['back', '', 'x']);
    migrated.close();
    expect(verifyChain(ledgerFile())).toMatchObject({ ok: true, height: 3 });
  });

  it('brings a schema version 2 file (one key index, one transaction table) to version 3 on open', () => {
    const head = twoBlocksClosed();
    rewriteAsVersion2(ledgerFile());
    expect(() => SqliteStateStore.open(ledgerFile(), { mustExist: true })).toThrow(/version 2/);

    const migrated = openSqlite();

    expect([migrated.height, migrated.headHash]).toEqual([2, head]);
    expect(migrated.scan('', '').map((kv) => `${kv.key}=${kv.value.toString()}`)).toEqual(['a=v2', 'c=y']);
    expect(migrated.history('b').map((entry) => entry.isDelete)).toEqual([true, false]);
    expect([migrated.hasTransaction('tx-0'), migrated.hasTransaction('tx-1')]).toEqual([true, true]);
    migrated.applyBlock(batch(2, [put('b', 'back', 2), put('d', 'new', 2)]));
    expect(migrated.scan('', '').map((kv) => kv.key)).toEqual(['a', 'b', 'c', 'd']);
    migrated.close();
    const db = new Database(ledgerFile(), { readonly: true });
    // Every key migrated into main with its number; the key written after the migration is recent.
    expect(db.prepare('SELECT key, id FROM key_index_main ORDER BY key').all()).toEqual([
      { key: 'a', id: 2 },
      { key: 'b', id: 1 },
      { key: 'c', id: 3 },
    ]);
    expect(db.prepare('SELECT key FROM key_index_recent').pluck().all()).toEqual(['d']);
    db.close();
    expect(verifyChain(ledgerFile())).toMatchObject({ ok: true, height: 3, headHash: migrated.headHash });
  });

  it('applies a block all or nothing: a failure half-way leaves the previous block in place', () => {
    const store = openSqlite();
    store.applyBlock(batch(0, [put('a', 'v1', 0)]));
    const broken = batch(1, [put('a', 'v2', 1), put('b', 'new', 1)]);

    expect(() => {
      store.applyBlock(failingHalfWay(broken));
    }).toThrow();

    expect(store.height).toBe(1);
    expect(store.get('a')?.value.toString()).toBe('v1');
    expect(store.get('b')).toBeUndefined();
    expect(store.hasTransaction('tx-1')).toBe(false);
    store.applyBlock(broken);
    expect(store.height).toBe(2);
    store.close();
    expect(verifyChain(ledgerFile())).toMatchObject({ ok: true, height: 2 });
  });

  it("leaves a failed block out of the index tiers' sizes, so it brings no merge forward", () => {
    const store = openSqlite({ recentIndexLimit: () => 3 });
    store.applyBlock(batch(0, [put('a', 'v1', 0), put('b', 'v1', 0)]));
    expect(() => {
      store.applyBlock(failingHalfWay(batch(1, [put('c', 'v1', 1), put('d', 'v1', 1)])));
    }).toThrow();

    // Had the failed block's two keys been counted, this third key would make five and merge.
    store.applyBlock(batch(1, [put('e', 'v1', 1)]));
    store.close();
    const db = new Database(ledgerFile(), { readonly: true });
    const tierOf = db.prepare<[], { tier: string; key: string }>(
      `SELECT 'recent' AS tier, key FROM key_index_recent UNION ALL SELECT 'main' AS tier, key FROM key_index_main ORDER BY key`,
    );
    expect(tierOf.all()).toEqual([
      { tier: 'recent', key: 'a' },
      { tier: 'recent', key: 'b' },
      { tier: 'recent', key: 'e' },
    ]);
    db.close();
    expect(verifyChain(ledgerFile())).toMatchObject({ ok: true, height: 2 });
  });

  it('answers every read as the reference store does, whenever the index tiers merge and whether or not a block was validated first', () => {
    const keyArb = fc.constantFrom('a', 'a\u0000', 'ab', 'b', 'b\u0000x', 'c', '\uE000', '\u{1F600}');
    const blockArb = fc.array(
      fc.record({ key: keyArb, value: fc.option(fc.string({ maxLength: 3 }), { nil: null }) }),
      { minLength: 1, maxLength: 6 },
    );
    let run = 0;
    fc.assert(
      fc.property(
        fc.array(blockArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 4 }),
        fc.tuple(keyArb, keyArb),
        fc.array(fc.option(fc.array(keyArb, { maxLength: 3 }), { nil: undefined }), { maxLength: 8 }),
        (blocks, limit, [from, to], validations) => {
          run += 1;
          const file = path.join(dir.path, `tiers-${run}.sqlite`);
          const sqlite = SqliteStateStore.open(file, { recentIndexLimit: () => limit });
          const reference = new MemoryStateStore();
          try {
            blocks.forEach((writes, blockNum) => {
              // One write per key and block, as a validated block has.
              const updates = [...new Map(writes.map((w) => [w.key, w])).values()].map((w) =>
                w.value === null ? remove(w.key, blockNum) : put(w.key, w.value, blockNum),
              );
              // As the peer validates: versions of the block's keys (and of others it read) in one
              // consistent read just before the block is applied; some blocks are applied without.
              const alsoRead = validations[blockNum];
              if (alsoRead !== undefined) {
                sqlite.readConsistently(() => {
                  for (const key of [...updates.map((u) => u.key), ...alsoRead]) sqlite.versionOf(key);
                });
              }
              for (const store of [sqlite, reference]) store.applyBlock(batch(blockNum, updates));
            });
            const read = (store: VersionedStateStore) => ({
              all: store.scan('', '').map((kv) => [kv.key, kv.value.toString(), kv.version.blockNum]),
              range: store.scan(from, to).map((kv) => kv.key),
              limited: store.scan(from, '', 2).map((kv) => kv.key),
              from: store.get(from)?.value.toString(),
              history: store.history(to).map((m) => [m.isDelete, m.value.toString(), m.version.blockNum]),
              txs: blocks.map((_, n) => store.hasTransaction(`tx-${n}`)),
            });
            expect(read(sqlite)).toEqual(read(reference));
          } finally {
            sqlite.close();
          }
          expect(verifyChain(file)).toMatchObject({ ok: true, height: blocks.length });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sizes the recent tier at 4,096 entries at least, then 32·√(main)', () => {
    expect([0, 10_000, 16_384, 1_000_000, 10_000_000].map(defaultRecentIndexLimit)).toEqual([
      4096, 4096, 4096, 32_000, 101_193,
    ]);
  });

  it('refuses to write after another connection appended a block to the same file', () => {
    const mine = openSqlite();
    const intruder = openSqlite();
    intruder.applyBlock(batch(0, [put('a', 'theirs', 0)]));

    let error: unknown;
    try {
      mine.applyBlock(batch(0, [put('a', 'mine', 0)]));
    } catch (caught: unknown) {
      error = caught;
    }

    expect(error).toBeInstanceOf(LedgerStorageError);
    expect(error).toMatchObject({ reason: 'concurrent-writer' });
    expect(mine.get('a')?.value.toString()).toBe('theirs');
  });

  it('shows a read snapshot one committed state while another connection commits, and the latest after it', async () => {
    const writer = openSqlite();
    writer.applyBlock(batch(0, [put('a', 'one', 0)]));
    const reader = SqliteStateStore.open(writer.file, { mustExist: true });

    const seen = await reader.readSnapshot(async () => {
      const before = reader.get('a')?.value.toString();
      writer.applyBlock(batch(1, [put('a', 'two', 1), put('b', 'new', 1)]));
      await Promise.resolve();
      return { before, after: reader.get('a')?.value.toString(), b: reader.get('b') };
    });

    expect(seen).toEqual({ before: 'one', after: 'one', b: undefined });
    expect(reader.get('a')?.value.toString()).toBe('two');
    expect(reader.versionOf('b')).toEqual({ version: { blockNum: 1, txNum: 0 }, metadata: {} });
    reader.close();
  });

  it('writes blocks of hundreds of keys, new, updated and deleted, as reopening shows', () => {
    const keys = Array.from({ length: 150 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    const store = openSqlite();
    store.applyBlock(
      batch(
        0,
        keys.map((key) => put(key, `${key}=0`, 0)),
      ),
    );
    // Block 1: every even key updated, every multiple of 3 deleted, 150 new keys.
    const block1 = [
      ...keys.filter((_, i) => i % 3 !== 0 && i % 2 === 0).map((key) => put(key, `${key}=1`, 1)),
      ...keys.filter((_, i) => i % 3 === 0).map((key) => remove(key, 1)),
      ...keys.map((key) => put(`n${key}`, `n${key}=1`, 1)),
    ];
    store.applyBlock(batch(1, block1));
    store.close();

    const reopened = openSqlite();
    const values = reopened
      .scan('', '')
      .map((kv) => `${kv.key}:${kv.value.toString()}@${kv.version.blockNum}`);
    const expected = [
      ...keys.map((key, i) =>
        i % 3 === 0 ? undefined : i % 2 === 0 ? `${key}:${key}=1@1` : `${key}:${key}=0@0`,
      ),
      ...keys.map((key) => `n${key}:n${key}=1@1`),
    ].filter((entry) => entry !== undefined);
    expect(values).toEqual(expected);
    expect(reopened.history('k000').map((m) => m.isDelete)).toEqual([true, false]);
    expect(reopened.history('k002').map((m) => m.value.toString())).toEqual(['k002=1', 'k002=0']);
    expect(reopened.history('nk149').map((m) => m.version)).toEqual([{ blockNum: 1, txNum: 0 }]);
    expect([
      reopened.hasTransaction('tx-0'),
      reopened.hasTransaction('tx-1'),
      reopened.hasTransaction('tx-2'),
    ]).toEqual([true, true, false]);
  });

  it('reads one committed state inside readConsistently, and ends its transaction even when the work throws', () => {
    const writer = openSqlite();
    writer.applyBlock(batch(0, [put('a', 'one', 0)]));
    const reader = SqliteStateStore.open(writer.file, { mustExist: true });

    const seen = reader.readConsistently(() => {
      const before = reader.versionOf('a')?.version;
      writer.applyBlock(batch(1, [put('a', 'two', 1)]));
      return { before, after: reader.versionOf('a')?.version, b: reader.get('a')?.value.toString() };
    });
    expect(seen).toEqual({ before: { blockNum: 0, txNum: 0 }, after: { blockNum: 0, txNum: 0 }, b: 'one' });
    expect(reader.get('a')?.value.toString()).toBe('two');

    expect(() =>
      writer.readConsistently(() => {
        throw new Error('validation failed');
      }),
    ).toThrow('validation failed');
    writer.applyBlock(batch(2, [put('a', 'three', 2)]));
    expect(writer.get('a')?.value.toString()).toBe('three');
    reader.close();
  });

  it('checkpoints the WAL every 8 MiB, whatever the page size of the file', () => {
    openSqlite().close();
    // A ledger file with 4 KiB pages, as files created before 64 KiB pages have.
    const small = path.join(dir.path, 'small-pages.sqlite');
    SqliteStateStore.open(small).close();
    const rewrite = new Database(small);
    rewrite.pragma('journal_mode = DELETE');
    rewrite.pragma('page_size = 4096');
    rewrite.exec('VACUUM');
    rewrite.close();

    const checkpointPages = (file: string): unknown[] => {
      const db = openLedgerDatabase(file);
      try {
        return [db.pragma('page_size', { simple: true }), db.pragma('wal_autocheckpoint', { simple: true })];
      } finally {
        db.close();
      }
    };
    expect(checkpointPages(ledgerFile())).toEqual([65_536, 128]);
    expect(checkpointPages(small)).toEqual([4096, 2048]);
  });

  it('refuses to open a missing file for reading', () => {
    expect(() => SqliteStateStore.open(path.join(dir.path, 'none.sqlite'), { mustExist: true })).toThrow(
      LedgerStorageError,
    );
  });

  it('refuses writes after close', () => {
    const store = openSqlite();
    store.close();

    expect(() => {
      store.applyBlock(batch(0, [put('a', 'v', 0)]));
    }).toThrow(LedgerStorageError);
  });
});
