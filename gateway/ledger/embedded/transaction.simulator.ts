/**
 * The peer's side of the chaincode protocol for one transaction (Fabric's TxSimulator behind the
 * chaincode handler): reads come from committed state and are recorded with their versions, writes
 * are buffered, range queries are served in batches and recorded for phantom detection.
 */
import type { StateMetadata, VersionedKV } from './ledger.records';
import { keyAfter } from './key.order';
import { toPlainTimestamp } from './proto.timestamp';
import type { ReadWriteSet, RangeQueryRecorder } from './rwset.builder';
import { ReadWriteSetBuilder } from './rwset.builder';
import type { QueryResultKeyModification, QueryResultKV, ShimHandler, ShimIterator } from './simulated.stub';
import type { VersionedStateStore } from './state.store';

/** The committed data a simulation reads. */
export type SimulationStateReader = Pick<VersionedStateStore, 'get' | 'scan' | 'history'>;

/**
 * How many results the peer sends the chaincode per range-query round trip (Fabric's
 * `maxResultsPerBatch`); what the peer fetched is what the read set records.
 */
export const RESULTS_PER_BATCH = 100;

// A lone surrogate cannot be encoded as UTF-8, and Fabric keys are UTF-8 strings.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Runs `work` and turns its result or exception into a promise, as the shim's async handler does. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    resolve(work());
  });
}

function toBytes(value: unknown, what: string): Buffer {
  if (value === undefined || value === null) {
    return Buffer.alloc(0);
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value);
  }
  throw new TypeError(`${what} must be bytes (Uint8Array or string)`);
}

function copyMetadata(metadata: StateMetadata): Record<string, Buffer> {
  return Object.fromEntries(
    Object.entries(metadata).map(([metakey, value]) => [metakey, Buffer.from(value)]),
  );
}

function assertWritableKey(key: string): void {
  if (key === '') {
    throw new Error('key must not be an empty string');
  }
  if (LONE_SURROGATE.test(key)) {
    throw new Error(`key [${key}] is not a valid UTF-8 string`);
  }
}

function assertPublicState(collection: string): void {
  if (collection !== '') {
    throw new Error(`private data collection [${collection}] is not defined on the embedded peer`);
  }
}

/** Serves a range query batch by batch, recording each fetched key like Fabric's query executor. */
class RangeQueryIterator implements ShimIterator<QueryResultKV> {
  #batch: VersionedKV[] = [];
  #nextStart: string;
  #hasMore = true;

  constructor(
    private readonly state: SimulationStateReader,
    private readonly recorder: RangeQueryRecorder,
    private readonly assertActive: () => void,
  ) {
    this.#nextStart = recorder.startKey;
    this.#fetch();
  }

  next(): Promise<{ value: QueryResultKV; done: false } | { done: true }> {
    return settle(() => {
      this.assertActive();
      if (this.#batch.length === 0 && this.#hasMore) {
        this.#fetch();
      }
      const kv = this.#batch.shift();
      if (kv === undefined) {
        return { done: true as const };
      }
      return { value: { key: kv.key, value: Buffer.from(kv.value) }, done: false as const };
    });
  }

  close(): Promise<void> {
    this.#batch = [];
    this.#hasMore = false;
    return Promise.resolve();
  }

  #fetch(): void {
    const batch = this.state.scan(this.#nextStart, this.recorder.endKey, RESULTS_PER_BATCH);
    for (const kv of batch) {
      this.recorder.addRead(kv.key, kv.version);
    }
    const last = batch.at(-1);
    if (last !== undefined) {
      this.#nextStart = keyAfter(last.key);
    }
    // Like the peer, a full batch is reported as "has more"; the end is seen on the next fetch.
    this.#hasMore = batch.length === RESULTS_PER_BATCH;
    if (!this.#hasMore) {
      this.recorder.markExhausted();
    }
    this.#batch = [...batch];
  }
}

/** Serves a key's history, newest first; history reads are not validated, as in Fabric. */
class HistoryQueryIterator implements ShimIterator<QueryResultKeyModification> {
  readonly #results: QueryResultKeyModification[];

  constructor(
    results: readonly QueryResultKeyModification[],
    private readonly assertActive: () => void,
  ) {
    this.#results = [...results];
  }

  next(): Promise<{ value: QueryResultKeyModification; done: false } | { done: true }> {
    return settle(() => {
      this.assertActive();
      const value = this.#results.shift();
      return value === undefined ? { done: true as const } : { value, done: false as const };
    });
  }

  close(): Promise<void> {
    this.#results.length = 0;
    return Promise.resolve();
  }
}

/**
 * Simulates one transaction against committed state for fabric-shim's stub.
 *
 * @example
 * const simulator = new TransactionSimulator(store, txId);
 * await dispatcher.invoke(new SimulatedStub(simulator, proposal));
 * const { readSet, writeSet } = simulator.done();
 */
export class TransactionSimulator implements ShimHandler {
  readonly #rwset = new ReadWriteSetBuilder();
  #done = false;

  constructor(
    private readonly state: SimulationStateReader,
    readonly txId: string,
  ) {}

  /** Ends the simulation: later calls from a stray promise in the contract are refused. */
  done(): ReadWriteSet {
    this.#done = true;
    return this.#rwset.build();
  }

  /** A missing key reads as empty bytes, as on a real peer. */
  handleGetState(collection: string, key: string): Promise<Buffer> {
    return settle(() => {
      this.#assertActive();
      assertPublicState(collection);
      const committed = this.state.get(key);
      this.#rwset.addRead(key, committed?.version ?? null);
      return committed === undefined ? Buffer.alloc(0) : Buffer.from(committed.value);
    });
  }

  handlePutState(collection: string, key: string, value: unknown): Promise<void> {
    return settle(() => {
      this.#assertActive();
      assertPublicState(collection);
      assertWritableKey(key);
      this.#rwset.addWrite(key, toBytes(value, 'value'));
    });
  }

  handleDeleteState(collection: string, key: string): Promise<void> {
    return settle(() => {
      this.#assertActive();
      assertPublicState(collection);
      assertWritableKey(key);
      this.#rwset.addWrite(key, Buffer.alloc(0));
    });
  }

  handlePurgeState(collection: string): Promise<void> {
    return settle(() => {
      assertPublicState(collection);
      throw new Error('purge applies to private data only');
    });
  }

  /** Replaces the key's metadata with this one entry, as the peer's PutStateMetadata handler does. */
  handlePutStateMetadata(collection: string, key: string, metakey: string, value: unknown): Promise<void> {
    return settle(() => {
      this.#assertActive();
      assertPublicState(collection);
      assertWritableKey(key);
      this.#rwset.addMetadataWrite(key, { [metakey]: toBytes(value, 'metadata value') });
    });
  }

  /** Reading metadata is a read of the key: it joins the read set. */
  handleGetStateMetadata(collection: string, key: string): Promise<Record<string, Buffer>> {
    return settle(() => {
      this.#assertActive();
      assertPublicState(collection);
      const committed = this.state.get(key);
      this.#rwset.addRead(key, committed?.version ?? null);
      return committed === undefined ? {} : copyMetadata(committed.metadata);
    });
  }

  handleGetPrivateDataHash(collection: string): Promise<Buffer> {
    return settle(() => {
      assertPublicState(collection);
      throw new Error('private data hashes need a collection');
    });
  }

  handleGetStateByRange(
    collection: string,
    startKey: string,
    endKey: string,
    _channelId: string,
    _txId: string,
    metadata?: Uint8Array,
  ): Promise<{ iterator: ShimIterator<QueryResultKV> }> {
    return settle(() => {
      this.#assertActive();
      assertPublicState(collection);
      if (metadata !== undefined) {
        throw new Error('paginated range queries are not supported by the embedded peer');
      }
      const recorder = this.#rwset.startRangeQuery(startKey, endKey);
      return {
        iterator: new RangeQueryIterator(this.state, recorder, () => {
          this.#assertActive();
        }),
      };
    });
  }

  /** The peer's answer on a LevelDB state database, which the real network uses too. */
  handleGetQueryResult(): Promise<never> {
    return settle(() => {
      throw new Error('ExecuteQuery not supported for leveldb');
    });
  }

  handleGetHistoryForKey(key: string): Promise<ShimIterator<QueryResultKeyModification>> {
    return settle(() => {
      this.#assertActive();
      const results = this.state.history(key).map((modification): QueryResultKeyModification => ({
        txId: modification.txId,
        value: Buffer.from(modification.value),
        isDelete: modification.isDelete,
        timestamp: toPlainTimestamp(modification.timestamp),
      }));
      return new HistoryQueryIterator(results, () => {
        this.#assertActive();
      });
    });
  }

  handleInvokeChaincode(chaincodeName: string): Promise<never> {
    return settle(() => {
      throw new Error(
        `chaincode-to-chaincode calls are not supported by the embedded peer (${chaincodeName})`,
      );
    });
  }

  #assertActive(): void {
    if (this.#done) {
      throw new Error(`transaction ${this.txId} has already completed`);
    }
  }
}
