import { createHash } from 'node:crypto';

import fc from 'fast-check';

import {
  BlockDataError,
  blockHash,
  chainHeader,
  decodeBlockData,
  encodeBlockData,
  GENESIS_PREVIOUS_HASH,
} from '../../../../gateway/ledger/embedded/block.codec';
import type { TransactionRecord } from '../../../../gateway/ledger/embedded/ledger.records';
import { canonicalJson } from '../../../../src/records/canonical-json';

/** A transaction using every field of the encoding. */
function fullTransaction(): TransactionRecord {
  return {
    txId: 'a1'.repeat(32),
    txIndex: 0,
    validationCode: 'VALID',
    timestamp: new Date('2025-03-01T08:00:00.123Z'),
    creator: {
      mspId: 'EnterpriseMSP',
      certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    },
    fcn: 'SubmitSelfTest',
    args: ['{"reportNo":"ST-1","名":"韭菜"}', ''],
    status: 200,
    payload: Buffer.from('{"changed":true}'),
    readSet: {
      reads: [
        { key: '\u0000selftest\u0000ST-1\u0000', version: null },
        { key: 'company', version: { blockNum: 0, txNum: 3 } },
      ],
      rangeQueries: [
        {
          startKey: '\u0000idx\u0000',
          endKey: '\u0000idx\u0000\u{10FFFF}',
          exhausted: true,
          reads: [{ key: '\u0000idx\u0000a\u0000', version: { blockNum: 1, txNum: 0 } }],
        },
      ],
    },
    writeSet: {
      writes: [
        { key: 'a', isDelete: false, value: Buffer.from([0, 1, 2, 255]) },
        { key: 'b', isDelete: true, value: Buffer.alloc(0) },
      ],
      metadataWrites: [
        { key: 'a', metadata: { VALIDATION_PARAMETER: Buffer.from('policy'), A: Buffer.from('x') } },
      ],
    },
    event: { eventName: 'SubmitSelfTest', payload: Buffer.from('{"id":"ST-1"}') },
  };
}

function refusedTransaction(): TransactionRecord {
  return {
    ...fullTransaction(),
    txId: 'b2'.repeat(32),
    txIndex: 1,
    validationCode: 'ENDORSEMENT_FAILURE',
    status: 500,
    payload: Buffer.alloc(0),
    message: '{"code":"ACCESS.COMPANY"}',
    readSet: { reads: [], rangeQueries: [] },
    writeSet: { writes: [], metadataWrites: [] },
    event: undefined,
  };
}

describe('block encoding', () => {
  it('is canonical JSON: re-canonicalizing the bytes changes nothing', () => {
    const data = encodeBlockData([fullTransaction(), refusedTransaction()]).toString('utf8');

    expect(canonicalJson(JSON.parse(data))).toBe(data);
  });

  it('writes bytes as base64, the timestamp as ISO 8601, and metadata as sorted pairs', () => {
    const [encoded] = JSON.parse(encodeBlockData([fullTransaction()]).toString('utf8')) as [
      Record<string, unknown>,
    ];

    expect(encoded).toMatchObject({
      timestamp: '2025-03-01T08:00:00.123Z',
      payload: Buffer.from('{"changed":true}').toString('base64'),
      message: null,
      writeSet: {
        writes: [
          { key: 'a', isDelete: false, value: 'AAEC/w==' },
          { key: 'b', isDelete: true, value: '' },
        ],
        metadataWrites: [
          {
            key: 'a',
            metadata: [
              ['A', 'eA=='],
              ['VALIDATION_PARAMETER', 'cG9saWN5'],
            ],
          },
        ],
      },
    });
  });

  it('decodes back to the same transactions', () => {
    const transactions = [fullTransaction(), refusedTransaction()];

    const block = decodeBlockData(7, encodeBlockData(transactions));

    const { event: _event, ...refusedWithoutEvent } = refusedTransaction();
    expect(block).toEqual({ number: 7, transactions: [fullTransaction(), refusedWithoutEvent] });
  });

  it('is frozen: the data hash of a fixed transaction never changes (stored ledgers depend on it)', () => {
    // Reproduced outside this code with Python: json.dumps([tx], sort_keys=True, separators=(',', ':'),
    // ensure_ascii=False) over the documented shape, UTF-8, SHA-256.
    const header = chainHeader(0, GENESIS_PREVIOUS_HASH, encodeBlockData([fullTransaction()]));

    expect(header.dataHash).toBe('1f03042328eb1147f2d7382b53fb54e19cc13fe836e1d2e1414355816915e363');
  });

  it('encodes each creator as given when one certificate appears under two MSP ids', () => {
    const tx = fullTransaction();
    const elsewhere = { ...tx, txIndex: 1, creator: { ...tx.creator, mspId: 'OtherMSP' } };
    const decoded = decodeBlockData(0, encodeBlockData([tx, elsewhere, { ...tx, txIndex: 2 }])).transactions;
    expect(decoded.map((t) => t.creator.mspId)).toEqual([tx.creator.mspId, 'OtherMSP', tx.creator.mspId]);
    expect(new Set(decoded.map((t) => t.creator.certificate))).toEqual(new Set([tx.creator.certificate]));
  });

  it('encodes any transactions canonically and decodes them back', () => {
    const bytes = fc.uint8Array({ maxLength: 24 }).map((array) => Buffer.from(array));
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    const version = fc.option(fc.record({ blockNum: fc.nat(), txNum: fc.nat() }), { nil: null });
    const read = fc.record({ key: text, version });
    const transaction = fc.record({
      txId: text,
      timestamp: fc.date({ min: new Date(0), max: new Date('2999-12-31'), noInvalidDate: true }),
      creator: fc.record({ mspId: text, certificate: text }),
      fcn: text,
      args: fc.array(text, { maxLength: 3 }),
      status: fc.constantFrom(200, 500),
      payload: bytes,
      message: fc.option(text, { nil: undefined }),
      readSet: fc.record({
        reads: fc.array(read, { maxLength: 3 }),
        rangeQueries: fc.array(
          fc.record({
            startKey: text,
            endKey: text,
            exhausted: fc.boolean(),
            reads: fc.array(read, { maxLength: 2 }),
          }),
          { maxLength: 2 },
        ),
      }),
      writeSet: fc.record({
        writes: fc.array(fc.record({ key: text, isDelete: fc.boolean(), value: bytes }), { maxLength: 3 }),
        metadataWrites: fc.array(
          fc.record({ key: text, metadata: fc.dictionary(text, bytes, { maxKeys: 2 }) }),
          {
            maxLength: 2,
          },
        ),
      }),
      event: fc.option(fc.record({ eventName: text, payload: bytes }), { nil: undefined }),
      validationCode: fc.constantFrom('VALID', 'MVCC_READ_CONFLICT', 'DUPLICATE_TXID'),
    });
    fc.assert(
      fc.property(fc.array(transaction, { maxLength: 4 }), (drawn) => {
        const transactions: TransactionRecord[] = drawn.map(({ message, event, ...tx }, txIndex) => ({
          ...tx,
          txIndex,
          ...(message === undefined ? {} : { message }),
          ...(event === undefined ? {} : { event }),
        }));
        const data = encodeBlockData(transactions);
        expect(canonicalJson(JSON.parse(data.toString('utf8')))).toBe(data.toString('utf8'));
        expect(decodeBlockData(0, data).transactions).toEqual(transactions);
      }),
    );
  });

  it('refuses data that is not the documented shape, naming the block', () => {
    const tampered = Buffer.from(
      encodeBlockData([fullTransaction()]).toString('utf8').replace('"status":200', '"status":"200"'),
    );

    expect(() => decodeBlockData(3, tampered)).toThrow(BlockDataError);
    expect(() => decodeBlockData(3, Buffer.from('not json'))).toThrow(/block 3/);
  });

  it('refuses transactions whose index is not their position', () => {
    const data = encodeBlockData([refusedTransaction()]);

    expect(() => decodeBlockData(0, data)).toThrow(/out of order/);
  });
});

describe('block hashes', () => {
  it('hashes SHA-256(uint64be(number) ‖ previousHash ‖ dataHash), as anyone can recompute', () => {
    const data = encodeBlockData([fullTransaction()]);
    const previousHash = createHash('sha256').update('block 41').digest('hex');

    const header = chainHeader(42, previousHash, data);

    const dataHash = createHash('sha256').update(data).digest('hex');
    const number = Buffer.alloc(8);
    number.writeBigUInt64BE(42n);
    const hash = createHash('sha256')
      .update(Buffer.concat([number, Buffer.from(previousHash, 'hex'), Buffer.from(dataHash, 'hex')]))
      .digest('hex');
    expect(header).toEqual({ number: 42, previousHash, dataHash, hash });
  });

  it('starts the chain from 64 zero hex digits', () => {
    expect(GENESIS_PREVIOUS_HASH).toBe('0'.repeat(64));
  });

  it('refuses a negative block number or a malformed hash', () => {
    expect(() => blockHash(-1, GENESIS_PREVIOUS_HASH, GENESIS_PREVIOUS_HASH)).toThrow(RangeError);
    expect(() => blockHash(0, 'abc', GENESIS_PREVIOUS_HASH)).toThrow(RangeError);
  });
});
