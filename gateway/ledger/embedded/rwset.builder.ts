/**
 * Collects what one transaction reads and writes while it is simulated, the way Fabric's rwset
 * builder does: the first version read of each key, every range query with the keys it returned,
 * and the last write of each key, sorted by key at the end.
 */
import { sortByKey } from './key.order';
import type {
  KVRead,
  KVWrite,
  MetadataWrite,
  RangeQueryInfo,
  ReadSet,
  StateMetadata,
  Version,
  WriteSet,
} from './ledger.records';

/** Records the progress of one range query as its iterator fetches results. */
export class RangeQueryRecorder {
  readonly #reads: KVRead[] = [];
  #exhausted = false;

  constructor(
    readonly startKey: string,
    readonly endKey: string,
  ) {}

  /** Notes a key the peer-side iterator fetched, with the version it had. */
  addRead(key: string, version: Version): void {
    this.#reads.push({ key, version });
  }

  /** Notes that the iterator reached the end of the range. */
  markExhausted(): void {
    this.#exhausted = true;
  }

  /** The range query as recorded so far. */
  toInfo(): RangeQueryInfo {
    return {
      startKey: this.startKey,
      endKey: this.endKey,
      exhausted: this.#exhausted,
      reads: [...this.#reads],
    };
  }
}

/** The read set and write set of one simulated transaction. */
export interface ReadWriteSet {
  readonly readSet: ReadSet;
  readonly writeSet: WriteSet;
}

/** Accumulates a transaction's reads and writes during simulation. */
export class ReadWriteSetBuilder {
  readonly #reads = new Map<string, Version | null>();
  readonly #rangeQueries: RangeQueryRecorder[] = [];
  readonly #writes = new Map<string, KVWrite>();
  readonly #metadataWrites = new Map<string, StateMetadata>();

  /** Records a read; reads see committed state only, so a key's first read stands for all. */
  addRead(key: string, version: Version | null): void {
    if (!this.#reads.has(key)) {
      this.#reads.set(key, version);
    }
  }

  /** Starts recording a range query. */
  startRangeQuery(startKey: string, endKey: string): RangeQueryRecorder {
    const recorder = new RangeQueryRecorder(startKey, endKey);
    this.#rangeQueries.push(recorder);
    return recorder;
  }

  /** Buffers a write; an empty value is a delete, as in Fabric. The last write of a key wins. */
  addWrite(key: string, value: Buffer): void {
    this.#writes.set(key, { key, isDelete: value.length === 0, value });
  }

  /** Buffers a replacement of the key's metadata. */
  addMetadataWrite(key: string, metadata: StateMetadata): void {
    this.#metadataWrites.set(key, metadata);
  }

  /** The sets as they stand; writes sorted by key so that equal simulations give equal sets. */
  build(): ReadWriteSet {
    const reads = [...this.#reads].map(([key, version]): KVRead => ({ key, version }));
    const writes = sortByKey([...this.#writes.values()], (write) => write.key);
    const metadataWrites = sortByKey(
      [...this.#metadataWrites].map(([key, metadata]): MetadataWrite => ({ key, metadata })),
      (write) => write.key,
    );
    return {
      readSet: { reads, rangeQueries: this.#rangeQueries.map((recorder) => recorder.toInfo()) },
      writeSet: { writes, metadataWrites },
    };
  }
}
