import { MemoryStateStore } from '../../../../gateway/ledger/embedded/memory.state.store';
import { TransactionSimulator } from '../../../../gateway/ledger/embedded/transaction.simulator';

function newSimulator(): TransactionSimulator {
  return new TransactionSimulator(new MemoryStateStore(), 'tx-1');
}

describe('TransactionSimulator', () => {
  it('reads a missing key as empty bytes, as a peer answers GetState', async () => {
    const simulator = newSimulator();

    const value = await simulator.handleGetState('', 'missing');

    expect(value).toEqual(Buffer.alloc(0));
    expect(simulator.done().readSet.reads).toEqual([{ key: 'missing', version: null }]);
  });

  it('treats a write of empty bytes as a delete and keeps only the last write of a key', async () => {
    const simulator = newSimulator();

    await simulator.handlePutState('', 'b', Buffer.from('first'));
    await simulator.handlePutState('', 'a', Buffer.from('x'));
    await simulator.handlePutState('', 'b', Buffer.alloc(0));

    expect(simulator.done().writeSet.writes).toEqual([
      { key: 'a', isDelete: false, value: Buffer.from('x') },
      { key: 'b', isDelete: true, value: Buffer.alloc(0) },
    ]);
  });

  it('refuses calls that arrive after the transaction completed', async () => {
    const simulator = newSimulator();
    const { iterator } = await simulator.handleGetStateByRange('', 'a', 'z', 'ch', 'tx-1');
    simulator.done();

    await expect(simulator.handlePutState('', 'k', Buffer.from('late'))).rejects.toThrow(
      'transaction tx-1 has already completed',
    );
    await expect(iterator.next()).rejects.toThrow('transaction tx-1 has already completed');
  });

  it('refuses empty keys, private data, pagination, rich queries and chaincode-to-chaincode calls', async () => {
    const simulator = newSimulator();

    await expect(simulator.handlePutState('', '', Buffer.from('v'))).rejects.toThrow(
      'key must not be an empty string',
    );
    await expect(simulator.handleGetState('secrets', 'k')).rejects.toThrow(
      'private data collection [secrets]',
    );
    await expect(
      simulator.handleGetStateByRange('', 'a', 'z', 'ch', 'tx-1', new Uint8Array([8, 10])),
    ).rejects.toThrow('paginated range queries are not supported');
    await expect(simulator.handleGetQueryResult()).rejects.toThrow('ExecuteQuery not supported for leveldb');
    await expect(simulator.handleInvokeChaincode('other')).rejects.toThrow('chaincode-to-chaincode calls');
  });
});
