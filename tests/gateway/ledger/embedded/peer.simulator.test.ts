import { ChaincodeStub } from 'fabric-shim';

import { MemoryStateStore } from '../../../../gateway/ledger/embedded/memory.state.store';
import { CommitError, EndorseError } from '../../../../gateway/ledger/embedded/peer.errors';
import type { ChaincodeEvent } from '../../../../gateway/ledger/embedded/peer.simulator';
import { PeerSimulator } from '../../../../gateway/ledger/embedded/peer.simulator';
import { GuardedContract, LedgerProbeContract } from './ledger-probe.contract';
import type { TestIdentities } from './test-identities';
import { COMPANY_ID, enrollTestIdentities } from './test-identities';

const START = Date.parse('2025-03-01T08:00:00.123Z');

let ids: TestIdentities;

beforeAll(() => {
  ids = enrollTestIdentities();
});

/** A peer with a store the test can inspect and a clock that ticks one second per proposal. */
function newPeer(): { peer: PeerSimulator; store: MemoryStateStore } {
  const store = new MemoryStateStore();
  let tick = 0;
  const peer = new PeerSimulator([LedgerProbeContract, GuardedContract], {
    channel: 'food-safety',
    chaincodeName: 'inspection',
    peerMspId: 'EnterpriseMSP',
    store,
    clock: () => new Date(START + 1000 * tick++),
  });
  return { peer, store };
}

async function text(promise: Promise<Buffer>): Promise<string> {
  return (await promise).toString('utf8');
}

async function catchError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('PeerSimulator — simulation and commit', () => {
  it('lets a transaction read only committed state, never its own writes', async () => {
    const { peer } = newPeer();
    await peer.submit(ids.alice, 'Put', ['k', 'committed']);

    const result = await peer.submit(ids.alice, 'PutAndReadBack', ['k', 'written']);

    expect(JSON.parse(result.payload.toString())).toEqual({ before: 'committed', after: 'committed' });
    expect(await text(peer.evaluate(ids.alice, 'Get', ['k']))).toBe('written');
  });

  it('buffers writes in the write set and applies them only at commit', async () => {
    const { peer } = newPeer();

    const simulation = await peer.simulate(ids.alice, 'Put', ['k', 'v']);

    expect(simulation.writeSet.writes).toEqual([{ key: 'k', isDelete: false, value: Buffer.from('v') }]);
    expect(await text(peer.evaluate(ids.alice, 'Get', ['k']))).toBe('');
    expect(peer.height).toBe(0);

    const block = await peer.commit([simulation]);

    expect(block).toEqual({
      blockNumber: 0,
      transactions: [{ txId: simulation.txId, txIndex: 0, validationCode: 'VALID' }],
    });
    expect(await text(peer.evaluate(ids.alice, 'Get', ['k']))).toBe('v');
    expect(peer.height).toBe(1);
  });

  it('records the version (block, tx) of every key read, and null for a missing key', async () => {
    const { peer } = newPeer();
    await peer.submit(ids.alice, 'Put', ['filler', 'x']);
    const first = await peer.simulate(ids.alice, 'Put', ['other', 'y']);
    const second = await peer.simulate(ids.alice, 'Put', ['counter', '41']);
    await peer.commit([first, second]);

    const simulation = await peer.simulate(ids.alice, 'Increment', ['counter']);

    expect(simulation.readSet.reads).toEqual([{ key: 'counter', version: { blockNum: 1, txNum: 1 } }]);
    expect(simulation.payload.toString()).toBe('42');
    const missing = await peer.simulate(ids.alice, 'Increment', ['fresh']);
    expect(missing.readSet.reads).toEqual([{ key: 'fresh', version: null }]);
  });

  it('invalidates the second of two conflicting transactions in one block and applies none of its writes', async () => {
    const { peer } = newPeer();
    const first = await peer.simulate(ids.alice, 'Increment', ['counter']);
    const second = await peer.simulate(ids.regulator, 'Increment', ['counter']);

    const block = await peer.commit([first, second]);

    expect(block.transactions.map((tx) => tx.validationCode)).toEqual(['VALID', 'MVCC_READ_CONFLICT']);
    expect(await text(peer.evaluate(ids.alice, 'Get', ['counter']))).toBe('1');
    expect(await text(peer.evaluate(ids.alice, 'Get', ['counter:last']))).toBe(first.txId);
  });

  it('commits blind writes of the same key in one block in order: the later one wins, both are history', async () => {
    const { peer } = newPeer();
    const first = await peer.simulate(ids.alice, 'Put', ['k', 'first']);
    const second = await peer.simulate(ids.alice, 'Put', ['k', 'second']);

    const block = await peer.commit([first, second]);

    expect(block.transactions.map((tx) => tx.validationCode)).toEqual(['VALID', 'VALID']);
    expect(await text(peer.evaluate(ids.alice, 'Get', ['k']))).toBe('second');
    const history = JSON.parse(await text(peer.evaluate(ids.alice, 'History', ['k']))) as { txId: string }[];
    expect(history.map((entry) => entry.txId)).toEqual([second.txId, first.txId]);
  });

  it('invalidates a transaction whose read key was changed by an earlier block', async () => {
    const { peer } = newPeer();
    await peer.submit(ids.alice, 'Put', ['counter', '5']);
    const stale = await peer.simulate(ids.alice, 'Increment', ['counter']);
    await peer.submit(ids.alice, 'Put', ['counter', '10']);

    const block = await peer.commit([stale]);

    expect(block.transactions[0]?.validationCode).toBe('MVCC_READ_CONFLICT');
    expect(await text(peer.evaluate(ids.alice, 'Get', ['counter']))).toBe('10');
  });

  it('fails the loser of two concurrent submits with a retryable CommitError that a retry overcomes', async () => {
    const { peer } = newPeer();

    const outcomes = await Promise.allSettled([
      peer.submit(ids.alice, 'Increment', ['counter']),
      peer.submit(ids.regulator, 'Increment', ['counter']),
    ]);

    const [won, lost] = outcomes;
    expect(won.status).toBe('fulfilled');
    expect(lost.status).toBe('rejected');
    const error: unknown = lost.status === 'rejected' ? lost.reason : undefined;
    expect(error).toBeInstanceOf(CommitError);
    expect(error).toMatchObject({ code: 'MVCC_READ_CONFLICT', retryable: true, blockNumber: 1 });
    expect((error as CommitError).transactionId).toMatch(/^[0-9a-f]{64}$/);

    await peer.submit(ids.regulator, 'Increment', ['counter']);
    expect(await text(peer.evaluate(ids.alice, 'Get', ['counter']))).toBe('2');
  });

  it('refuses a transaction id that is already on the ledger, without retry', async () => {
    const { peer } = newPeer();
    await peer.submit(ids.alice, 'Put', ['k', 'v1'], { txId: 'tx-1' });

    const error = await catchError(peer.submit(ids.alice, 'Put', ['k', 'v2'], { txId: 'tx-1' }));

    expect(error).toBeInstanceOf(CommitError);
    expect(error).toMatchObject({ code: 'DUPLICATE_TXID', retryable: false, transactionId: 'tx-1' });
    expect(await text(peer.evaluate(ids.alice, 'Get', ['k']))).toBe('v1');
  });

  it('refuses to cut an empty block', async () => {
    const { peer } = newPeer();

    await expect(peer.commit([])).rejects.toThrow(RangeError);
  });
});

describe('PeerSimulator — range queries', () => {
  it('detects a phantom: a key added to a range read since simulation invalidates the transaction', async () => {
    const { peer } = newPeer();
    await peer.submit(ids.alice, 'PutItem', ['acme', '1', 'one']);
    const count = await peer.simulate(ids.alice, 'CountItems', ['acme']);
    await peer.submit(ids.alice, 'PutItem', ['acme', '2', 'two']);

    const block = await peer.commit([count]);

    expect(block.transactions[0]?.validationCode).toBe('PHANTOM_READ_CONFLICT');
    expect(await text(peer.evaluate(ids.alice, 'Get', ['count:acme']))).toBe('');
  });

  it('detects a phantom added by an earlier transaction of the same block', async () => {
    const { peer } = newPeer();
    const add = await peer.simulate(ids.alice, 'PutItem', ['acme', '1', 'one']);
    const count = await peer.simulate(ids.alice, 'CountItems', ['acme']);

    const block = await peer.commit([add, count]);

    expect(block.transactions.map((tx) => tx.validationCode)).toEqual(['VALID', 'PHANTOM_READ_CONFLICT']);
  });

  it('ignores a key added outside the range', async () => {
    const { peer } = newPeer();
    await peer.submit(ids.alice, 'PutItem', ['acme', '1', 'one']);
    const count = await peer.simulate(ids.alice, 'CountItems', ['acme']);
    await peer.submit(ids.alice, 'PutItem', ['acmeX', '1', 'another owner']);

    const block = await peer.commit([count]);

    expect(block.transactions[0]?.validationCode).toBe('VALID');
    expect(await text(peer.evaluate(ids.alice, 'Get', ['count:acme']))).toBe('1');
  });

  it('checks an iterator closed early only up to the last key the peer fetched for it (batches of 100)', async () => {
    const { peer } = newPeer();
    await peer.submit(ids.alice, 'SeedItems', ['acme', '150']);
    const first = await peer.simulate(ids.alice, 'FirstItem', ['acme']);
    const again = await peer.simulate(ids.alice, 'FirstItem', ['acme']);

    await peer.submit(ids.alice, 'PutItem', ['acme', '0120', 'beyond the first batch']);
    const unaffected = await peer.commit([first]);
    await peer.submit(ids.alice, 'PutItem', ['acme', '0050', 'inside the first batch']);
    const affected = await peer.commit([again]);

    expect(first.payload.toString()).toBe('acme/0000');
    expect(first.readSet.rangeQueries[0]).toMatchObject({ exhausted: false });
    expect(first.readSet.rangeQueries[0]?.reads).toHaveLength(100);
    expect(unaffected.transactions[0]?.validationCode).toBe('VALID');
    expect(affected.transactions[0]?.validationCode).toBe('PHANTOM_READ_CONFLICT');
  });

  it('serves a long range in batches of 100 and records every key it returned', async () => {
    const { peer } = newPeer();
    await peer.submit(ids.alice, 'SeedItems', ['acme', '250']);

    const count = await peer.simulate(ids.alice, 'CountItems', ['acme']);

    expect(count.payload.toString()).toBe('250');
    expect(count.readSet.rangeQueries).toHaveLength(1);
    expect(count.readSet.rangeQueries[0]?.reads).toHaveLength(250);
    expect(count.readSet.rangeQueries[0]?.exhausted).toBe(true);
    expect((await peer.commit([count])).transactions[0]?.validationCode).toBe('VALID');
  });

  it('lists keys in the state database order (Unicode code points) and keeps composite keys out of plain ranges', async () => {
    const { peer } = newPeer();
    for (const key of ['\u{1F600}', 'b', '\uE000', 'a']) {
      await peer.submit(ids.alice, 'Put', [key, 'x']);
    }
    await peer.submit(ids.alice, 'PutItem', ['acme', '1', 'one']);

    const keys: unknown = JSON.parse(await text(peer.evaluate(ids.alice, 'RangeKeys', ['', ''])));

    expect(keys).toEqual(['a', 'b', '\uE000', '\u{1F600}']);
  });

  it('iterates with next()/close() and splits composite keys back into attributes', async () => {
    const { peer } = newPeer();
    await peer.submit(ids.alice, 'PutItem', ['acme', '2', 'two']);
    await peer.submit(ids.alice, 'PutItem', ['acme', '1', 'one']);
    await peer.submit(ids.alice, 'PutItem', ['acmeX', '1', 'not acme']);

    const items: unknown = JSON.parse(await text(peer.evaluate(ids.alice, 'ListItems', ['acme'])));

    expect(items).toEqual([
      { attributes: ['acme', '1'], value: 'one' },
      { attributes: ['acme', '2'], value: 'two' },
    ]);
  });

  it("builds composite keys exactly as fabric-shim's ChaincodeStub does", async () => {
    const { peer } = newPeer();

    const key = await text(peer.evaluate(ids.alice, 'MakeCompositeKey', ['item', '["acme","7"]']));

    expect(key).toBe('\u0000item\u0000acme\u00007\u0000');
    expect(key).toBe(ChaincodeStub.prototype.createCompositeKey('item', ['acme', '7']));
  });
});

describe('PeerSimulator — events', () => {
  it('delivers events only after commit, in block order, with block number and transaction index', async () => {
    const { peer } = newPeer();
    const heard: ChaincodeEvent[] = [];
    peer.onEvent((event) => heard.push(event));
    await peer.submit(ids.alice, 'Put', ['warm-up', 'no event']);
    const a = await peer.simulate(ids.alice, 'Emit', ['A-draft', 'A']);
    const b = await peer.simulate(ids.alice, 'Emit', ['B-draft', 'B']);

    expect(heard).toEqual([]);

    await peer.commit([a, b]);

    const expected = [
      {
        blockNumber: 1,
        txIndex: 0,
        txId: a.txId,
        chaincodeName: 'inspection',
        eventName: 'A',
        payload: Buffer.from('payload of A'),
      },
      {
        blockNumber: 1,
        txIndex: 1,
        txId: b.txId,
        chaincodeName: 'inspection',
        eventName: 'B',
        payload: Buffer.from('payload of B'),
      },
    ];
    expect(heard).toEqual(expected);
    expect(peer.events()).toEqual(expected);
    expect(peer.events(2)).toEqual([]);
  });

  it('emits nothing for a transaction invalidated at commit', async () => {
    const { peer } = newPeer();
    const a = await peer.simulate(ids.alice, 'Emit', ['x', 'A']);
    const duplicate = await peer.simulate(ids.alice, 'Emit', ['x', 'A'], { txId: a.txId });

    const block = await peer.commit([a, duplicate]);

    expect(block.transactions.map((tx) => tx.validationCode)).toEqual(['VALID', 'DUPLICATE_TXID']);
    expect(peer.events().map((event) => event.txIndex)).toEqual([0]);
  });

  it('keeps committing when a listener throws, and reports the error', async () => {
    const errors: unknown[] = [];
    const peer = new PeerSimulator([LedgerProbeContract], {
      channel: 'food-safety',
      chaincodeName: 'inspection',
      onListenerError: (error) => errors.push(error),
    });
    const heard: string[] = [];
    peer.onEvent(() => {
      throw new Error('listener broke');
    });
    const stop = peer.onEvent((event) => heard.push(event.eventName));

    await peer.submit(ids.alice, 'Emit', ['x', 'First']);
    stop();
    await peer.submit(ids.alice, 'Emit', ['x', 'Second']);

    expect(heard).toEqual(['First']);
    expect(errors).toHaveLength(2);
    expect(peer.events().map((event) => event.eventName)).toEqual(['First', 'Second']);
  });
});

describe('PeerSimulator — failures', () => {
  it('writes and emits nothing when the contract throws, and says why in an EndorseError', async () => {
    const { peer } = newPeer();

    const error = await catchError(peer.submit(ids.alice, 'FailAfterWriting', ['k']));

    expect(error).toBeInstanceOf(EndorseError);
    expect(error).toMatchObject({ message: 'refused on purpose', status: 500 });
    expect((error as EndorseError).details).toEqual([
      { address: 'embedded', mspId: 'EnterpriseMSP', message: 'refused on purpose' },
    ]);
    expect(peer.height).toBe(0);
    expect(await text(peer.evaluate(ids.alice, 'Get', ['k']))).toBe('');
    expect(peer.events()).toEqual([]);
  });

  it('records a refused simulation ordered into a block as ENDORSEMENT_FAILURE, without effects', async () => {
    const { peer, store } = newPeer();
    const refused = await peer.simulate(ids.alice, 'FailAfterWriting', ['k']);

    const block = await peer.commit([refused]);

    expect(refused).toMatchObject({ status: 500, message: 'refused on purpose' });
    expect(refused.event).toBeUndefined();
    expect(block.transactions[0]?.validationCode).toBe('ENDORSEMENT_FAILURE');
    expect(store.get('k')).toBeUndefined();
    expect(peer.events()).toEqual([]);
  });

  it("refuses an unknown function with fabric-contract-api's message", async () => {
    const { peer } = newPeer();

    const error = await catchError(peer.submit(ids.alice, 'Nope', []));

    expect(error).toBeInstanceOf(EndorseError);
    expect((error as EndorseError).message).toBe(
      "You've asked to invoke a function that does not exist: Nope",
    );
  });

  it('refuses a call with the wrong number of arguments', async () => {
    const { peer } = newPeer();

    await expect(peer.evaluate(ids.alice, 'Get', [])).rejects.toThrow(
      'Expected 1 parameters, but 0 have been supplied',
    );
  });

  it('routes Contract:Tx names and runs the contract beforeTransaction hook', async () => {
    const { peer } = newPeer();

    await expect(peer.evaluate(ids.alice, 'guarded:Ping')).rejects.toThrow('regulator role required');
    expect(await text(peer.evaluate(ids.regulator, 'guarded:Ping'))).toBe('pong from RegulatorMSP');
    expect(await text(peer.evaluate(ids.alice, 'kv:Get', ['missing']))).toBe('');
  });
});

describe('PeerSimulator — queries, history, identity, metadata', () => {
  it('never writes on evaluate, even when the contract writes', async () => {
    const { peer } = newPeer();

    await peer.evaluate(ids.alice, 'Put', ['k', 'v']);

    expect(peer.height).toBe(0);
    expect(await text(peer.evaluate(ids.alice, 'Get', ['k']))).toBe('');
  });

  it('lists every committed write and delete of a key, newest first, with transaction id and timestamp', async () => {
    const { peer } = newPeer();
    const first = await peer.submit(ids.alice, 'Put', ['k', 'v1']);
    await peer.submit(ids.alice, 'Put', ['other', 'x']);
    const second = await peer.submit(ids.alice, 'Put', ['k', 'v2']);
    const deletion = await peer.submit(ids.alice, 'Delete', ['k']);
    await peer.commit([await peer.simulate(ids.alice, 'FailAfterWriting', ['k'])]);

    const history: unknown = JSON.parse(await text(peer.evaluate(ids.alice, 'History', ['k'])));

    const entry = (txId: string, timestamp: Date, isDelete: boolean, value: string): object => ({
      txId,
      isDelete,
      value,
      seconds: Math.floor(timestamp.getTime() / 1000),
      nanos: 123_000_000,
    });
    expect(history).toEqual([
      entry(deletion.txId, deletion.timestamp, true, ''),
      entry(second.txId, second.timestamp, false, 'v2'),
      entry(first.txId, first.timestamp, false, 'v1'),
    ]);
  });

  it('gives the contract the caller as ClientIdentity reads it from the issued certificate', async () => {
    const { peer } = newPeer();

    const result = await peer.simulate(ids.alice, 'WhoAmI', [], { transient: { secret: Buffer.from('s') } });

    expect(JSON.parse(result.payload.toString())).toEqual({
      mspId: 'EnterpriseMSP',
      id: 'x509::/C=CN/O=Enterprise/OU=client/CN=alice::/C=CN/O=Enterprise/CN=ca.enterprise',
      role: 'enterprise',
      companyId: COMPANY_ID,
      enrollmentId: 'alice',
      creatorMspId: 'EnterpriseMSP',
      peerMspId: 'EnterpriseMSP',
      channel: 'food-safety',
      txId: result.txId,
      transientKeys: ['secret'],
    });
    expect(result.txId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names every proposal with a fresh 64-hex-digit transaction id', async () => {
    const { peer } = newPeer();
    // More than the 256 ids one fill of random bytes serves.
    const simulations = await Promise.all(
      Array.from({ length: 600 }, () => peer.simulate(ids.alice, 'Get', ['k'])),
    );
    const txIds = simulations.map((simulation) => simulation.txId);
    for (const txId of txIds) expect(txId).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(txIds).size).toBe(txIds.length);
  });

  it('stamps the transaction as fabric-shim does: unsigned Long seconds, nanos, and a Date', async () => {
    const { peer } = newPeer();
    const timestamp = new Date('2025-06-01T10:20:30.456Z');

    const clock: unknown = JSON.parse(await text(peer.evaluate(ids.alice, 'Clock', [], { timestamp })));

    expect(clock).toEqual({
      seconds: String(Math.floor(timestamp.getTime() / 1000)),
      secondsIsUnsignedLong: true,
      nanos: 456_000_000,
      date: '2025-06-01T10:20:30.456Z',
    });
  });

  it('stores the key-level endorsement policy with the key and keeps it across value writes', async () => {
    const { peer, store } = newPeer();
    await peer.submit(ids.alice, 'Put', ['k', 'v1']);
    await peer.submit(ids.alice, 'SetPolicy', ['k', 'OR(EnterpriseMSP.peer)']);
    await peer.submit(ids.alice, 'Put', ['k', 'v2']);
    await peer.submit(ids.alice, 'SetPolicy', ['missing', 'ignored']);

    expect(await text(peer.evaluate(ids.alice, 'GetPolicy', ['k']))).toBe('OR(EnterpriseMSP.peer)');
    expect(await text(peer.evaluate(ids.alice, 'GetPolicy', ['missing']))).toBe('(none)');
    expect(store.get('k')?.metadata).toEqual({ VALIDATION_PARAMETER: Buffer.from('OR(EnterpriseMSP.peer)') });
    expect(store.get('k')?.version).toEqual({ blockNum: 2, txNum: 0 });
  });

  it('publishes the decorator metadata: @Transaction(false) is an EVALUATE transaction', async () => {
    const { peer } = newPeer();

    const metadata = JSON.parse(
      await text(peer.evaluate(ids.alice, 'org.hyperledger.fabric:GetMetadata')),
    ) as {
      contracts: Record<string, { transactions: { name: string; tag?: string[] }[] } | undefined>;
    };

    const kv = metadata.contracts.kv?.transactions ?? [];
    expect(kv.find((tx) => tx.name === 'Get')?.tag).toEqual(['EVALUATE']);
    expect(kv.find((tx) => tx.name === 'Put')?.tag).toEqual(['SUBMIT', 'submitTx']);
    expect(Object.keys(metadata.contracts)).toEqual(['kv', 'guarded', 'org.hyperledger.fabric']);
  });
});
