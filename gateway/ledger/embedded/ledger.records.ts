/**
 * The data model of the embedded ledger, shaped after Fabric's own (kvrwset, block, history):
 * versions, read/write sets, transactions, blocks and the state updates a block applies.
 * Plain readonly data, so that the in-memory store and a durable (SQLite) store persist the same thing.
 */

/**
 * The version of a key: the block and the index within the block of the transaction that last
 * wrote it (Fabric's `version.Height`).
 */
export interface Version {
  readonly blockNum: number;
  readonly txNum: number;
}

/** Key-level metadata, by metakey (`VALIDATION_PARAMETER` holds the key-level endorsement policy). */
export type StateMetadata = Readonly<Record<string, Buffer>>;

/** A committed value with its version and metadata. */
export interface VersionedValue {
  readonly value: Buffer;
  readonly version: Version;
  readonly metadata: StateMetadata;
}

/** A committed key with its value, version and metadata, as a range scan returns it. */
export interface VersionedKV extends VersionedValue {
  readonly key: string;
}

/** A key read during simulation and the version it had (`null`: the key did not exist). */
export interface KVRead {
  readonly key: string;
  readonly version: Version | null;
}

/**
 * A range query made during simulation (Fabric's `RangeQueryInfo` with raw reads): re-executed at
 * commit to detect phantoms. When the iterator was not exhausted, `endKey` is still the requested end
 * but only keys up to the last one read are compared, as Fabric does.
 */
export interface RangeQueryInfo {
  readonly startKey: string;
  /** Exclusive end; `''` means unbounded. */
  readonly endKey: string;
  readonly exhausted: boolean;
  readonly reads: readonly KVRead[];
}

/** Everything a transaction read, in the order first read. */
export interface ReadSet {
  readonly reads: readonly KVRead[];
  readonly rangeQueries: readonly RangeQueryInfo[];
}

/** A buffered write: a new value, or a delete. */
export interface KVWrite {
  readonly key: string;
  readonly isDelete: boolean;
  /** Empty for a delete. */
  readonly value: Buffer;
}

/** A buffered replacement of a key's metadata (e.g. its key-level endorsement policy). */
export interface MetadataWrite {
  readonly key: string;
  readonly metadata: StateMetadata;
}

/** Everything a transaction would write, sorted by key like Fabric's rwset builder. */
export interface WriteSet {
  readonly writes: readonly KVWrite[];
  readonly metadataWrites: readonly MetadataWrite[];
}

/**
 * Why a transaction in a block is valid or not (names from Fabric's `TxValidationCode`, except
 * `ENDORSEMENT_FAILURE`: the contract failed during simulation, so nothing was endorsed).
 */
export type ValidationCode =
  'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT' | 'ENDORSEMENT_FAILURE' | 'DUPLICATE_TXID';

/** The chaincode event a transaction set (only the last `setEvent` of a transaction counts). */
export interface ChaincodeEventRecord {
  readonly eventName: string;
  readonly payload: Buffer;
}

/** The identity that created a transaction, as the chaincode sees it through `getCreator()`. */
export interface CreatorRecord {
  readonly mspId: string;
  /** PEM of the creator's X.509 certificate. */
  readonly certificate: string;
}

/** One transaction as recorded in a block, valid or not. */
export interface TransactionRecord {
  readonly txId: string;
  /** Index within the block (Fabric's tx number). */
  readonly txIndex: number;
  readonly validationCode: ValidationCode;
  /** The proposal's timestamp, as the chaincode saw it. */
  readonly timestamp: Date;
  readonly creator: CreatorRecord;
  readonly fcn: string;
  readonly args: readonly string[];
  /** The chaincode response status (200 on success, 500 when the contract threw). */
  readonly status: number;
  readonly payload: Buffer;
  /** The contract's error message when `status` is 500. */
  readonly message?: string;
  readonly readSet: ReadSet;
  readonly writeSet: WriteSet;
  readonly event?: ChaincodeEventRecord;
}

/**
 * A transaction's canonical JSON in block data (see `block.codec.ts`), as UTF-8, split where its
 * block position and validation code go: `head` is the object up to `"txId"`'s value (without the
 * closing brace), `tail` its `"writeSet"` member and the closing brace. The simulation workers encode
 * their transactions this way, so that the thread that commits blocks only joins bytes.
 */
export interface EncodedTransaction {
  readonly head: Uint8Array;
  readonly tail: Uint8Array;
}

/** A block: an ordered list of transactions, numbered from 0. */
export interface BlockRecord {
  readonly number: number;
  readonly transactions: readonly TransactionRecord[];
}

/** The committed state of one key after a block: a value (with metadata) or a deletion. */
export interface StateUpdate {
  readonly key: string;
  /** `null` when the key is deleted. */
  readonly value: Buffer | null;
  readonly metadata: StateMetadata;
  readonly version: Version;
}

/** One committed write or delete of a key, as key history returns it. */
export interface KeyModificationRecord {
  readonly key: string;
  readonly txId: string;
  readonly timestamp: Date;
  readonly isDelete: boolean;
  readonly value: Buffer;
  readonly version: Version;
}

/**
 * What committing one block changes, computed by the validator and applied atomically by the
 * store: the block itself, the new state of every key its valid transactions touched, and their
 * history entries in commit order.
 */
export interface BlockCommitBatch {
  readonly block: BlockRecord;
  readonly updates: readonly StateUpdate[];
  readonly history: readonly KeyModificationRecord[];
  /**
   * The block's transactions already in their canonical bytes, by position (see `encodeTransaction`
   * in `block.codec.ts`); the store encodes the others.
   */
  readonly encoded?: readonly (EncodedTransaction | undefined)[];
}
