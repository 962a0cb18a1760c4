/**
 * Block validation as Fabric's committing peer does it (kvledger `validator.go`): each transaction is
 * checked in block order against the committed state plus the writes of the valid transactions before
 * it in the same block, then its writes join that batch.
 */
import { isKeyInRange, keyAfter, sortByKey } from './key.order';
import type {
  BlockCommitBatch,
  BlockRecord,
  EncodedTransaction,
  KeyModificationRecord,
  KVRead,
  RangeQueryInfo,
  StateMetadata,
  StateUpdate,
  TransactionRecord,
  ValidationCode,
  Version,
} from './ledger.records';
import type { VersionedStateStore } from './state.store';

/** A transaction to validate: a {@link TransactionRecord} before validation gave it a code. */
export type UnvalidatedTransaction = Omit<TransactionRecord, 'validationCode' | 'txIndex'> & {
  /** Its canonical bytes, when its endorser encoded it (see `encodeTransaction`). */
  readonly encoded?: EncodedTransaction;
};

/** The committed data the validator reads. */
export type CommittedStateReader = Pick<
  VersionedStateStore,
  'get' | 'versionOf' | 'scan' | 'hasTransaction' | 'height'
>;

/** Status codes at or above this are a failed chaincode response, which no peer endorses. */
const ERROR_THRESHOLD = 400;

function sameVersion(a: Version | null, b: Version | null): boolean {
  if (a === null || b === null) {
    return a === b;
  }
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

/** The committed state overlaid with the updates of the valid transactions validated so far. */
class BlockUpdates {
  readonly #pending = new Map<string, StateUpdate>();

  constructor(private readonly committed: CommittedStateReader) {}

  touches(key: string): boolean {
    return this.#pending.has(key);
  }

  /** The metadata a value write keeps: the key's current metadata, none once deleted. */
  currentMetadata(key: string): StateMetadata | undefined {
    const pending = this.#pending.get(key);
    if (pending !== undefined) {
      return pending.value === null ? undefined : pending.metadata;
    }
    return this.committed.versionOf(key)?.metadata;
  }

  current(key: string): { value: Buffer; metadata: StateMetadata } | undefined {
    const pending = this.#pending.get(key);
    if (pending !== undefined) {
      return pending.value === null ? undefined : { value: pending.value, metadata: pending.metadata };
    }
    return this.committed.get(key);
  }

  /** The range as it stands now: committed keys merged with this block's earlier updates. */
  scan(startKey: string, endKey: string): { key: string; version: Version }[] {
    const merged = new Map<string, Version>();
    for (const kv of this.committed.scan(startKey, endKey)) {
      merged.set(kv.key, kv.version);
    }
    for (const [key, update] of this.#pending) {
      if (!isKeyInRange(key, startKey, endKey)) {
        continue;
      }
      if (update.value === null) {
        merged.delete(key);
      } else {
        merged.set(key, update.version);
      }
    }
    return sortByKey(
      [...merged].map(([key, version]) => ({ key, version })),
      (kv) => kv.key,
    );
  }

  set(update: StateUpdate): void {
    this.#pending.set(update.key, update);
  }

  updates(): StateUpdate[] {
    return sortByKey([...this.#pending.values()], (update) => update.key);
  }
}

/** Fabric's `validateKVRead`: any update in this block, or a changed committed version, invalidates. */
function readIsCurrent(read: KVRead, updates: BlockUpdates, committed: CommittedStateReader): boolean {
  if (updates.touches(read.key)) {
    return false;
  }
  return sameVersion(committed.versionOf(read.key)?.version ?? null, read.version);
}

/** Fabric's `rangeQueryResultsValidator`: the re-executed range must yield the same keys and versions. */
function rangeIsUnchanged(query: RangeQueryInfo, updates: BlockUpdates): boolean {
  const last = query.reads.at(-1);
  // An iterator closed early only vouches for the keys up to the last one it returned.
  const endKey = query.exhausted || last === undefined ? query.endKey : keyAfter(last.key);
  const now = updates.scan(query.startKey, endKey);
  return (
    now.length === query.reads.length &&
    now.every((kv, i) => {
      const read = query.reads[i];
      return read !== undefined && read.key === kv.key && sameVersion(read.version, kv.version);
    })
  );
}

function validationCodeOf(
  tx: UnvalidatedTransaction,
  seenTxIds: ReadonlySet<string>,
  updates: BlockUpdates,
  committed: CommittedStateReader,
): ValidationCode {
  if (seenTxIds.has(tx.txId) || committed.hasTransaction(tx.txId)) {
    return 'DUPLICATE_TXID';
  }
  if (tx.status >= ERROR_THRESHOLD) {
    return 'ENDORSEMENT_FAILURE';
  }
  if (!tx.readSet.reads.every((read) => readIsCurrent(read, updates, committed))) {
    return 'MVCC_READ_CONFLICT';
  }
  if (!tx.readSet.rangeQueries.every((query) => rangeIsUnchanged(query, updates))) {
    return 'PHANTOM_READ_CONFLICT';
  }
  return 'VALID';
}

function applyWriteSet(
  tx: UnvalidatedTransaction,
  version: Version,
  updates: BlockUpdates,
  history: KeyModificationRecord[],
): void {
  for (const write of tx.writeSet.writes) {
    // A value write keeps the key's metadata (its endorsement policy) until it is changed or deleted.
    const metadata = write.isDelete ? {} : (updates.currentMetadata(write.key) ?? {});
    updates.set({ key: write.key, value: write.isDelete ? null : write.value, metadata, version });
    history.push({
      key: write.key,
      txId: tx.txId,
      timestamp: tx.timestamp,
      isDelete: write.isDelete,
      value: write.value,
      version,
    });
  }
  for (const write of tx.writeSet.metadataWrites) {
    // Fabric ignores metadata for a key that does not exist once the value writes are applied.
    const current = updates.current(write.key);
    if (current !== undefined) {
      updates.set({ key: write.key, value: current.value, metadata: write.metadata, version });
    }
  }
}

/**
 * Validates the transactions of the next block in order and computes what committing it changes.
 * Invalid transactions stay in the block with their code; only valid ones write and emit.
 *
 * @param committed - the committed state the block builds on; it is only read.
 * @param transactions - the block's transactions in order.
 * @returns the batch to hand to {@link VersionedStateStore.applyBlock}.
 */
export function validateBlock(
  committed: CommittedStateReader,
  transactions: readonly UnvalidatedTransaction[],
): BlockCommitBatch {
  const blockNum = committed.height;
  const updates = new BlockUpdates(committed);
  const history: KeyModificationRecord[] = [];
  const seenTxIds = new Set<string>();
  const records = transactions.map(({ encoded: _, ...tx }, txIndex): TransactionRecord => {
    const validationCode = validationCodeOf(tx, seenTxIds, updates, committed);
    seenTxIds.add(tx.txId);
    if (validationCode === 'VALID') {
      applyWriteSet(tx, { blockNum, txNum: txIndex }, updates, history);
    }
    return { ...tx, txIndex, validationCode };
  });
  const block: BlockRecord = { number: blockNum, transactions: records };
  const encoded = transactions.map((tx) => tx.encoded);
  return {
    block,
    updates: updates.updates(),
    history,
    ...(encoded.some((bytes) => bytes !== undefined) ? { encoded } : {}),
  };
}
