import type { BlockCommitBatch, StateUpdate } from '../../../../gateway/ledger/embedded/ledger.records';
import { MemoryStateStore } from '../../../../gateway/ledger/embedded/memory.state.store';

function put(key: string, value: string, blockNum: number): StateUpdate {
  return { key, value: Buffer.from(value), metadata: {}, version: { blockNum, txNum: 0 } };
}

function batch(blockNum: number, updates: StateUpdate[]): BlockCommitBatch {
  return {
    block: { number: blockNum, transactions: [] },
    updates,
    history: updates.map((update) => ({
      key: update.key,
      txId: `tx-${blockNum}`,
      timestamp: new Date(0),
      isDelete: update.value === null,
      value: update.value ?? Buffer.alloc(0),
      version: update.version,
    })),
  };
}

describe('MemoryStateStore', () => {
  it('scans keys in code point order, as LevelDB orders UTF-8 bytes', () => {
    const store = new MemoryStateStore();
    store.applyBlock(
      batch(
        0,
        ['\u{1F600}', '\uE000', 'b', 'a', 'a\u0000'].map((key) => put(key, key, 0)),
      ),
    );

    expect(store.scan('', '').map((kv) => kv.key)).toEqual(['a', 'a\u0000', 'b', '\uE000', '\u{1F600}']);
    expect(store.scan('a', '\u{10FFFF}').map((kv) => kv.key)).toEqual([
      'a',
      'a\u0000',
      'b',
      '\uE000',
      '\u{1F600}',
    ]);
    expect(store.scan('a\u0000', 'c', 2).map((kv) => kv.key)).toEqual(['a\u0000', 'b']);
  });

  it('deletes keys from state and range scans, and keeps their history newest first', () => {
    const store = new MemoryStateStore();
    store.applyBlock(batch(0, [put('a', 'v1', 0), put('b', 'x', 0)]));
    store.applyBlock(batch(1, [{ key: 'a', value: null, metadata: {}, version: { blockNum: 1, txNum: 0 } }]));

    expect(store.get('a')).toBeUndefined();
    expect(store.scan('', '').map((kv) => kv.key)).toEqual(['b']);
    expect(store.history('a').map((entry) => [entry.txId, entry.isDelete])).toEqual([
      ['tx-1', true],
      ['tx-0', false],
    ]);
    expect(store.height).toBe(2);
  });

  it('refuses a block that does not follow the current height', () => {
    const store = new MemoryStateStore();

    expect(() => {
      store.applyBlock(batch(1, [put('a', 'v', 1)]));
    }).toThrow('block 1 cannot follow height 0');
    expect(store.get('a')).toBeUndefined();
  });
});
