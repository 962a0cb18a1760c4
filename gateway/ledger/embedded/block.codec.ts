/**
 * The canonical bytes of a block's transactions and the hashes that chain blocks together. The
 * embedded ledger stores exactly these bytes, so anyone holding the database file can re-verify the
 * chain with a JSON canonicalizer and SHA-256, without this code.
 *
 * **Block data** is the UTF-8 encoding of a JSON array holding the block's transactions in order,
 * serialized per RFC 8785 (JSON Canonicalization Scheme: members sorted by name in UTF-16 code unit
 * order, no insignificant whitespace, strings escaped as ECMAScript `JSON.stringify` does, integers in
 * plain decimal). Each transaction is the object
 *
 * ```text
 * {
 *   "args":           [string, ...],                    the transaction arguments (without fcn)
 *   "creator":        { "certificate": PEM, "mspId": string },
 *   "event":          null | { "eventName": string, "payload": base64 },
 *   "fcn":            string,
 *   "message":        null | string,                    the contract's error message, if it failed
 *   "payload":        base64,                           the contract's return value
 *   "readSet":        { "rangeQueries": [range, ...], "reads": [read, ...] },
 *   "status":         integer,                          chaincode response status
 *   "timestamp":      string,                           proposal time, ISO 8601 UTC, milliseconds
 *   "txId":           string,
 *   "txIndex":        integer,                          position in the block, from 0
 *   "validationCode": "VALID" | "MVCC_READ_CONFLICT" | "PHANTOM_READ_CONFLICT"
 *                     | "ENDORSEMENT_FAILURE" | "DUPLICATE_TXID",
 *   "writeSet":       { "metadataWrites": [{ "key": string, "metadata": [[metakey, base64], ...] }, ...],
 *                       "writes": [{ "isDelete": boolean, "key": string, "value": base64 }, ...] }
 * }
 * read  = { "key": string, "version": null | { "blockNum": integer, "txNum": integer } }
 * range = { "endKey": string, "exhausted": boolean, "reads": [read, ...], "startKey": string }
 * ```
 *
 * where base64 is RFC 4648 §4 with padding (empty bytes are `""`), reads and range queries keep the
 * order in which the simulation made them, writes are sorted by key (code point order) as the rwset
 * builder leaves them, and metadata pairs are sorted by metakey (UTF-16 code unit order).
 *
 * **Hashes** (stored and compared as lowercase hex):
 * - `dataHash = SHA-256(data)`;
 * - `hash = SHA-256(uint64BE(number) ‖ previousHash ‖ dataHash)`, over the 8-byte big-endian block
 *   number followed by the 32 raw bytes of each hash (Fabric hashes the ASN.1 DER of the same three
 *   fields; a plain concatenation is easier to re-implement);
 * - `previousHash` of block 0 is 32 zero bytes (64 `0` hex digits); of block n, the `hash` of block n−1.
 */
import { createHash } from 'node:crypto';

import { z } from 'zod';

import type {
  BlockRecord,
  EncodedTransaction,
  KVRead,
  KVWrite,
  RangeQueryInfo,
  StateMetadata,
  TransactionRecord,
  ValidationCode,
} from './ledger.records';

/** The `previousHash` of block 0: 32 zero bytes, in hex. */
export const GENESIS_PREVIOUS_HASH = '0'.repeat(64);

/** What chains a block to its predecessor, as stored beside its data. */
export interface BlockHeader {
  readonly number: number;
  /** Hex SHA-256 hash of the previous block ({@link GENESIS_PREVIOUS_HASH} for block 0). */
  readonly previousHash: string;
  /** Hex SHA-256 of the block data. */
  readonly dataHash: string;
  /** Hex SHA-256 of the header fields (see the module documentation). */
  readonly hash: string;
}

const VALIDATION_CODES = [
  'VALID',
  'MVCC_READ_CONFLICT',
  'PHANTOM_READ_CONFLICT',
  'ENDORSEMENT_FAILURE',
  'DUPLICATE_TXID',
] as const satisfies readonly ValidationCode[];

const HASH_BYTES = 32;
const HEX_HASH = /^[0-9a-f]{64}$/;

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Metadata as sorted `[metakey, base64]` pairs: an object with arbitrary member names would not keep its order. */
function metadataPairs(metadata: StateMetadata): [string, string][] {
  return Object.keys(metadata)
    .sort()
    .map((metakey): [string, string] => {
      const value = metadata[metakey];
      return [metakey, value === undefined ? '' : base64(value)];
    });
}

// Every object below is built with its members already in RFC 8785 order, so that the fast native
// JSON.stringify yields the canonical form; a test checks it against a generic canonicalizer.

function encodeRead(read: KVRead): object {
  return {
    key: read.key,
    version: read.version === null ? null : { blockNum: read.version.blockNum, txNum: read.version.txNum },
  };
}

function encodeRange(range: RangeQueryInfo): object {
  return {
    endKey: range.endKey,
    exhausted: range.exhausted,
    reads: range.reads.map(encodeRead),
    startKey: range.startKey,
  };
}

/** A transaction before it has a place in a block. */
export type UnplacedTransaction = Omit<TransactionRecord, 'txIndex' | 'validationCode'>;

/**
 * The JSON text of `"creator":{…}` for each certificate seen: a PEM is the same for every
 * transaction of its holder, and escaping its line breaks each time cost as much as the report.
 */
const creatorTexts = new Map<string, { readonly mspId: string; readonly text: string }>();
const CREATOR_TEXTS = 1024;

function creatorText(creator: UnplacedTransaction['creator']): string {
  const known = creatorTexts.get(creator.certificate);
  if (known?.mspId === creator.mspId) return known.text;
  const text = `"creator":${JSON.stringify({ certificate: creator.certificate, mspId: creator.mspId })}`;
  if (creatorTexts.size >= CREATOR_TEXTS) creatorTexts.clear();
  creatorTexts.set(creator.certificate, { mspId: creator.mspId, text });
  return text;
}

/**
 * UTF-8 bytes of text pieces, written into one buffer of their own: only the pieces that hold
 * non-ASCII text (the report in `args`) are two-byte strings, where joining them first made the
 * whole transaction one. (Not from Node's shared pool either: a worker would post the whole 8 KiB
 * slab a pooled buffer lives in.)
 */
function utf8Of(pieces: readonly string[]): Buffer {
  let length = 0;
  for (const piece of pieces) length += Buffer.byteLength(piece, 'utf8');
  const bytes = Buffer.allocUnsafeSlow(length);
  let offset = 0;
  for (const piece of pieces) offset += bytes.write(piece, offset, 'utf8');
  return bytes;
}

function writeText(write: KVWrite): string {
  return `{"isDelete":${write.isDelete ? 'true' : 'false'},"key":${JSON.stringify(write.key)},"value":"${base64(write.value)}"}`;
}

/**
 * Encodes a transaction for {@link encodeBlockData}, apart from its place in the block: the
 * canonical form of the module documentation, written member by member in RFC 8785 order (tests
 * check it against a generic canonicalizer and a frozen data hash).
 *
 * @example
 * const encoded = encodeTransaction(simulation); // in a simulation worker
 * const data = encodeBlockData(block.transactions, [encoded]); // where the block is committed
 */
export function encodeTransaction(tx: UnplacedTransaction): EncodedTransaction {
  const event =
    tx.event === undefined
      ? 'null'
      : `{"eventName":${JSON.stringify(tx.event.eventName)},"payload":"${base64(tx.event.payload)}"}`;
  const readSet = JSON.stringify({
    rangeQueries: tx.readSet.rangeQueries.map(encodeRange),
    reads: tx.readSet.reads.map(encodeRead),
  });
  const head = utf8Of([
    `{"args":${JSON.stringify(tx.args)},`,
    creatorText(tx.creator),
    `,"event":${event},"fcn":${JSON.stringify(tx.fcn)},"message":${JSON.stringify(tx.message ?? null)}`,
    `,"payload":"${base64(tx.payload)}","readSet":${readSet},"status":${JSON.stringify(tx.status)}`,
    `,"timestamp":${JSON.stringify(tx.timestamp.toISOString())},"txId":${JSON.stringify(tx.txId)}`,
  ]);
  const metadataWrites = JSON.stringify(
    tx.writeSet.metadataWrites.map((write) => ({ key: write.key, metadata: metadataPairs(write.metadata) })),
  );
  const tail = utf8Of([
    `"writeSet":{"metadataWrites":${metadataWrites},"writes":[`,
    tx.writeSet.writes.map(writeText).join(','),
    ']}}',
  ]);
  return { head, tail };
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/**
 * The canonical bytes of a block's transactions (see the module documentation).
 *
 * @param transactions - the block's transactions, in order.
 * @param encoded - the transactions already encoded by {@link encodeTransaction}, by position (for
 *   example by the simulation worker that ran them); the others are encoded here. Each must encode
 *   the transaction at its position.
 * @example
 * const data = encodeBlockData(block.transactions);
 * const dataHash = sha256Hex(data);
 */
export function encodeBlockData(
  transactions: readonly TransactionRecord[],
  encoded: readonly (EncodedTransaction | undefined)[] = [],
): Buffer {
  const pieces: Uint8Array[] = [OPEN];
  transactions.forEach((tx, position) => {
    const { head, tail } = encoded[position] ?? encodeTransaction(tx);
    const place = `,"txIndex":${JSON.stringify(tx.txIndex)},"validationCode":${JSON.stringify(tx.validationCode)},`;
    pieces.push(...(position === 0 ? [] : [COMMA]), head, Buffer.from(place, 'utf8'), tail);
  });
  pieces.push(CLOSE);
  return Buffer.concat(pieces);
}

/** Lowercase hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The hash of a block header: hex SHA-256 of the 8-byte big-endian block number, then the raw bytes
 * of `previousHash` and of `dataHash`.
 *
 * @throws RangeError when the number is not a safe non-negative integer or a hash is not 64 hex digits.
 * @example
 * // The same computation without this module:
 * const header = Buffer.alloc(8);
 * header.writeBigUInt64BE(BigInt(number));
 * createHash('sha256').update(header).update(Buffer.from(previousHash, 'hex')).update(Buffer.from(dataHash, 'hex')).digest('hex');
 */
export function blockHash(number: number, previousHash: string, dataHash: string): string {
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new RangeError(`block number ${number} is not a non-negative integer`);
  }
  if (!HEX_HASH.test(previousHash) || !HEX_HASH.test(dataHash)) {
    throw new RangeError('hashes must be 64 lowercase hex digits');
  }
  const header = Buffer.alloc(8 + 2 * HASH_BYTES);
  header.writeBigUInt64BE(BigInt(number), 0);
  header.write(previousHash, 8, 'hex');
  header.write(dataHash, 8 + HASH_BYTES, 'hex');
  return sha256Hex(header);
}

/**
 * The header that chains a block with this data after the block whose hash is `previousHash`.
 *
 * @throws RangeError as {@link blockHash}.
 */
export function chainHeader(number: number, previousHash: string, data: Uint8Array): BlockHeader {
  const dataHash = sha256Hex(data);
  return { number, previousHash, dataHash, hash: blockHash(number, previousHash, dataHash) };
}

// Decoding: the stored data is a file boundary, so it goes through one schema.

const bytesSchema = z.string().transform((text) => Buffer.from(text, 'base64'));

const versionSchema = z
  .object({ blockNum: z.number().int().min(0), txNum: z.number().int().min(0) })
  .nullable();

const readSchema = z.object({ key: z.string(), version: versionSchema });

const rangeSchema = z.object({
  endKey: z.string(),
  exhausted: z.boolean(),
  reads: z.array(readSchema),
  startKey: z.string(),
});

const timestampSchema = z
  .string()
  .transform((text) => new Date(text))
  .refine((date) => !Number.isNaN(date.getTime()), 'not an ISO 8601 timestamp');

const transactionSchema = z.object({
  args: z.array(z.string()),
  creator: z.object({ certificate: z.string(), mspId: z.string() }),
  event: z.object({ eventName: z.string(), payload: bytesSchema }).nullable(),
  fcn: z.string(),
  message: z.string().nullable(),
  payload: bytesSchema,
  readSet: z.object({ rangeQueries: z.array(rangeSchema), reads: z.array(readSchema) }),
  status: z.number().int(),
  timestamp: timestampSchema,
  txId: z.string(),
  txIndex: z.number().int().min(0),
  validationCode: z.enum(VALIDATION_CODES),
  writeSet: z.object({
    metadataWrites: z.array(
      z.object({ key: z.string(), metadata: z.array(z.tuple([z.string(), bytesSchema])) }),
    ),
    writes: z.array(z.object({ isDelete: z.boolean(), key: z.string(), value: bytesSchema })),
  }),
});

const blockDataSchema = z.array(transactionSchema);

type DecodedTransaction = z.infer<typeof transactionSchema>;

function toTransactionRecord(tx: DecodedTransaction): TransactionRecord {
  const { event, message, writeSet, ...rest } = tx;
  return {
    ...rest,
    ...(message === null ? {} : { message }),
    ...(event === null ? {} : { event }),
    writeSet: {
      writes: writeSet.writes,
      metadataWrites: writeSet.metadataWrites.map((write) => ({
        key: write.key,
        metadata: Object.fromEntries(write.metadata),
      })),
    },
  };
}

/** Stored block data that does not decode to transactions. */
export class BlockDataError extends Error {
  /**
   * @param blockNumber - the block whose data is bad.
   * @param message - what is wrong with it.
   */
  constructor(
    readonly blockNumber: number,
    message: string,
  ) {
    super(message);
    this.name = 'BlockDataError';
  }
}

/**
 * Reads block data written by {@link encodeBlockData} back into a block.
 *
 * @throws {BlockDataError} when the bytes are not JSON of the documented shape, or a transaction's
 *   `txIndex` is not its position.
 */
export function decodeBlockData(number: number, data: Uint8Array): BlockRecord {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch (error: unknown) {
    throw new BlockDataError(number, `block ${number} data is not JSON: ${String(error)}`);
  }
  const parsed = blockDataSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BlockDataError(
      number,
      `block ${number} data does not have the block shape at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    );
  }
  const transactions = parsed.data.map(toTransactionRecord);
  const misplaced = transactions.findIndex((tx, index) => tx.txIndex !== index);
  if (misplaced >= 0) {
    throw new BlockDataError(number, `block ${number} holds transaction index ${misplaced} out of order`);
  }
  return { number, transactions };
}
