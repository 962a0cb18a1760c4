import path from 'node:path';

import Database from 'better-sqlite3';

import { chainHeader } from '../../../../gateway/ledger/embedded/block.codec';
import { verifyChain } from '../../../../gateway/ledger/embedded/chain.verifier';
import { PeerSimulator } from '../../../../gateway/ledger/embedded/peer.simulator';
import { SqliteStateStore } from '../../../../gateway/ledger/embedded/sqlite.state.store';
import { LedgerStorageError } from '../../../../gateway/ledger/embedded/storage.errors';
import { LedgerProbeContract } from './ledger-probe.contract';
import type { TempDir } from './embedded.fixture';
import { tempDir } from './embedded.fixture';
import type { TestIdentities } from './test-identities';
import { enrollTestIdentities } from './test-identities';

let ids: TestIdentities;
let dir: TempDir;
let file: string;
let headHash: string;

beforeAll(() => {
  ids = enrollTestIdentities();
});

/**
 * Six blocks that exercise every kind of commit the verifier replays:
 * 0: two puts (a, b) · 1: key metadata on a, an event · 2: a delete of b, two increments of c of which
 * the second is an MVCC conflict · 3: a put of a that keeps its metadata, a repeated transaction id ·
 * 4: composite keys and a put of d · 5: a put of e.
 */
async function buildLedger(): Promise<void> {
  const store = SqliteStateStore.open(file);
  const peer = new PeerSimulator([LedgerProbeContract], {
    channel: 'food-safety',
    chaincodeName: 'probe',
    store,
  });
  const run = (fcn: string, ...args: string[]) => peer.simulate(ids.alice, fcn, args);
  try {
    const first = await run('Put', 'a', '1');
    await peer.commit([first, await run('Put', 'b', '2')]);
    await peer.commit([await run('SetPolicy', 'a', 'OR(EnterpriseMSP.member)'), await run('Emit', 'x', 'y')]);
    await peer.commit([await run('Delete', 'b'), await run('Increment', 'c'), await run('Increment', 'c')]);
    const repeated = await peer.simulate(ids.alice, 'Put', ['z', 'never'], { txId: first.txId });
    await peer.commit([await run('Put', 'a', '3'), repeated]);
    await peer.commit([await run('SeedItems', 'owner', '3'), await run('Put', 'd', '4')]);
    await peer.commit([await run('Put', 'e', '5')]);
    headHash = store.headHash;
  } finally {
    store.close();
  }
}

/** Runs SQL against the closed ledger file, as someone editing it behind the ledger's back would. */
function tamper(edit: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    edit(db);
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  dir = tempDir('chain-verifier');
  file = path.join(dir.path, 'ledger.sqlite');
  await buildLedger();
});

afterEach(() => {
  dir.remove();
});

describe('verifyChain — an untouched ledger', () => {
  it('verifies, with the height and the hash of the last block', () => {
    expect(verifyChain(file)).toEqual({ ok: true, height: 6, headHash });
  });

  it('replays deletes, key metadata, invalid and repeated transactions the way the committer applied them', () => {
    const store = SqliteStateStore.open(file);
    try {
      const codes = store.block(2)?.transactions.map((tx) => tx.validationCode);
      expect(codes).toEqual(['VALID', 'VALID', 'MVCC_READ_CONFLICT']);
      expect(store.block(3)?.transactions.map((tx) => tx.validationCode)).toEqual([
        'VALID',
        'DUPLICATE_TXID',
      ]);
      expect(store.get('a')?.metadata).toEqual({
        VALIDATION_PARAMETER: Buffer.from('OR(EnterpriseMSP.member)'),
      });
    } finally {
      store.close();
    }
    expect(verifyChain(file).ok).toBe(true);
  });

  it('verifies a ledger that another connection has open and is writing', () => {
    const store = SqliteStateStore.open(file);
    try {
      expect(verifyChain(file)).toMatchObject({ ok: true, height: 6 });
    } finally {
      store.close();
    }
  });
});

describe('verifyChain — tampering', () => {
  it('catches a changed state value at the block that wrote it', () => {
    tamper((db) =>
      db
        .prepare(`UPDATE state SET value = ? WHERE key_id = (SELECT id FROM keys WHERE key = 'd')`)
        .run(Buffer.from('40')),
    );

    expect(verifyChain(file)).toMatchObject({
      ok: false,
      height: 6,
      firstBadBlock: 4,
      reason: expect.stringContaining('"d"') as string,
    });
  });

  it('catches changed key metadata at the block that last wrote the key', () => {
    tamper((db) =>
      db
        .prepare(`UPDATE state SET metadata = NULL WHERE key_id = (SELECT id FROM keys WHERE key = 'a')`)
        .run(),
    );

    expect(verifyChain(file)).toMatchObject({ ok: false, firstBadBlock: 3 });
  });

  it('catches a state row that was removed, or kept after its delete, or never written', () => {
    tamper((db) =>
      db.prepare(`DELETE FROM state WHERE key_id = (SELECT id FROM keys WHERE key = 'e')`).run(),
    );
    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 5,
      reason: expect.stringContaining('missing') as string,
    });

    tamper((db) =>
      db
        .prepare(
          `INSERT INTO state (key_id, value, block_num, tx_num) VALUES ((SELECT id FROM keys WHERE key = 'b'), ?, 0, 1)`,
        )
        .run(Buffer.from('2')),
    );
    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 2,
      reason: expect.stringContaining('deleted') as string,
    });

    tamper((db) => {
      db.prepare(`INSERT INTO keys (key) VALUES ('zz')`).run();
      db.prepare(
        `INSERT INTO state (key_id, value, block_num, tx_num) VALUES ((SELECT id FROM keys WHERE key = 'zz'), ?, 1, 0)`,
      ).run(Buffer.from('?'));
    });
    expect(verifyChain(file)).toMatchObject({ ok: false, firstBadBlock: 1 });
  });

  it('catches a state or history row whose key number names no key', () => {
    // Someone editing the file can switch the foreign key checks off first.
    tamper((db) => {
      db.pragma('foreign_keys = OFF');
      db.prepare(`INSERT INTO state (key_id, value, block_num, tx_num) VALUES (999, ?, 1, 0)`).run(
        Buffer.from('?'),
      );
    });
    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 1,
      reason: 'a state row names no key',
    });

    tamper((db) => db.prepare(`DELETE FROM state WHERE key_id = 999`).run());
    tamper((db) => {
      db.pragma('foreign_keys = OFF');
      db.prepare(`UPDATE history SET key_id = 998 WHERE block_num = 2`).run();
    });
    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 2,
      reason: expect.stringContaining('history') as string,
    });
  });

  it("catches a block's stored data changed, at that block", () => {
    tamper((db) =>
      db
        .prepare(
          `UPDATE blocks SET data = CAST(replace(CAST(data AS TEXT), '"Increment"', '"Incremant"') AS BLOB) WHERE number = 2`,
        )
        .run(),
    );

    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 2,
      reason: 'the data hash of block 2 does not match its data',
    });
  });

  it("catches a block's changed hash, at that block", () => {
    tamper((db) => db.prepare(`UPDATE blocks SET hash = ? WHERE number = 4`).run('f'.repeat(64)));

    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 4,
      reason: 'the hash of block 4 does not match its header',
    });
  });

  it('catches a block rewritten with recomputed hashes at the link that no longer holds', () => {
    tamper((db) => {
      const row = db
        .prepare<[], { data: Buffer; previous_hash: string }>(
          `SELECT data, previous_hash FROM blocks WHERE number = 3`,
        )
        .get()!;
      const data = Buffer.from(row.data.toString('utf8').replace('"Put"', '"Pot"'));
      const header = chainHeader(3, row.previous_hash, data);
      db.prepare(`UPDATE blocks SET data = ?, data_hash = ?, hash = ? WHERE number = 3`).run(
        data,
        header.dataHash,
        header.hash,
      );
    });

    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 4,
      reason: 'the previous hash of block 4 is not the hash of block 3',
    });
  });

  it('catches a missing block in the middle, and one missing at the end by the effects it left', () => {
    tamper((db) => db.prepare(`DELETE FROM blocks WHERE number = 5`).run());
    expect(verifyChain(file)).toMatchObject({ ok: false, height: 5, firstBadBlock: 5 });

    tamper((db) => db.prepare(`DELETE FROM blocks WHERE number = 3`).run());
    expect(verifyChain(file)).toMatchObject({ ok: false, firstBadBlock: 3, reason: 'block 3 is missing' });
  });

  it('catches a changed key history entry at its block', () => {
    tamper((db) =>
      db
        .prepare(
          `UPDATE history SET value = ? WHERE key_id = (SELECT id FROM keys WHERE key = 'a') AND block_num = 3`,
        )
        .run(Buffer.from('9')),
    );

    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 3,
      reason: expect.stringContaining('history') as string,
    });
  });

  it('catches a transaction id dropped from the index at its block', () => {
    tamper((db) => {
      for (const tier of ['tx_index_recent', 'tx_index_main']) {
        db.prepare(`DELETE FROM ${tier} WHERE block_num = 4 AND tx_num = 1`).run();
      }
    });

    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 4,
      reason: expect.stringContaining('index') as string,
    });
  });

  it('catches a transaction id indexed in both tiers', () => {
    tamper((db) =>
      db
        .prepare(
          `INSERT INTO tx_index_main SELECT tx_id, block_num, tx_num FROM tx_index_recent WHERE block_num = 3 LIMIT 1`,
        )
        .run(),
    );

    expect(verifyChain(file)).toMatchObject({ ok: false, firstBadBlock: 3 });
  });

  it('catches a key missing from the key index, indexed twice, or under another number, at its first block', () => {
    tamper((db) => db.prepare(`DELETE FROM key_index_recent WHERE key = 'd'`).run());
    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 4,
      reason: 'key "d" is not indexed exactly once',
    });

    tamper((db) => {
      db.prepare(`INSERT INTO key_index_recent (key, id) SELECT 'd', id FROM keys WHERE key = 'd'`).run();
      db.prepare(`INSERT INTO key_index_main SELECT key, id FROM key_index_recent WHERE key = 'c'`).run();
    });
    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 2,
      reason: expect.stringContaining('"c"') as string,
    });

    tamper((db) => {
      db.prepare(`DELETE FROM key_index_main WHERE key = 'c'`).run();
      db.prepare(
        `UPDATE key_index_recent SET id = (SELECT id FROM keys WHERE key = 'e') WHERE key = 'a'`,
      ).run();
    });
    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 0,
      reason: expect.stringContaining('"a"') as string,
    });
  });

  it('catches an index entry that names no key', () => {
    tamper((db) => db.prepare(`INSERT INTO key_index_main (key, id) VALUES ('ghost', 999)`).run());

    expect(verifyChain(file)).toMatchObject({
      ok: false,
      firstBadBlock: 0,
      reason: 'the key index names "ghost", which is no key',
    });
  });
});

describe('verifyChain — files that are not ledgers', () => {
  it('refuses a missing file and an SQLite file without the ledger schema', () => {
    expect(() => verifyChain(path.join(dir.path, 'nothing.sqlite'))).toThrow(LedgerStorageError);

    const other = path.join(dir.path, 'other.sqlite');
    new Database(other).exec('CREATE TABLE t (x)').close();
    expect(() => verifyChain(other)).toThrow(/not a ledger/);
  });
});
