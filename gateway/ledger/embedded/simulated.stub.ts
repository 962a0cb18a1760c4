/**
 * fabric-shim's own `ChaincodeStub`, fed by the embedded peer instead of a gRPC stream. The real
 * stub class does the argument handling, composite keys, range-key checks, async iteration and
 * `setEvent`; its `handler` (normally the shim's connection to the peer) is our transaction
 * simulator, which plays the peer's side of the chaincode protocol.
 */
import { ChaincodeStub } from 'fabric-shim';
import type { SerializedIdentity } from 'fabric-shim';

import type { ChaincodeEventRecord, CreatorRecord } from './ledger.records';
import type { PlainTimestamp, ProtoTimestamp } from './proto.timestamp';
import { toProtoTimestamp } from './proto.timestamp';

/** A key/value pair as fabric-shim's `StateQueryIterator` yields it. */
export interface QueryResultKV {
  readonly key: string;
  readonly value: Buffer;
}

/** A key modification as fabric-shim's `HistoryQueryIterator` yields it. */
export interface QueryResultKeyModification {
  readonly txId: string;
  readonly value: Buffer;
  readonly isDelete: boolean;
  readonly timestamp: PlainTimestamp;
}

/** fabric-shim's iterator protocol: `{ value, done: false }` per result, then `{ done: true }`. */
export interface ShimIterator<T> {
  next(): Promise<{ readonly value: T; readonly done: false } | { readonly done: true }>;
  close(): Promise<void>;
}

/**
 * The calls fabric-shim's `ChaincodeStub` (stub.js, 2.5.x) makes on its handler. `collection` is
 * `''` for public state; the channel id and transaction id are passed on every call.
 */
export interface ShimHandler {
  handleGetState(collection: string, key: string, channelId: string, txId: string): Promise<Buffer>;
  handlePutState(
    collection: string,
    key: string,
    value: unknown,
    channelId: string,
    txId: string,
  ): Promise<void>;
  handleDeleteState(collection: string, key: string, channelId: string, txId: string): Promise<void>;
  handlePurgeState(collection: string, key: string, channelId: string, txId: string): Promise<void>;
  handlePutStateMetadata(
    collection: string,
    key: string,
    metakey: string,
    value: unknown,
    channelId: string,
    txId: string,
  ): Promise<void>;
  handleGetStateMetadata(
    collection: string,
    key: string,
    channelId: string,
    txId: string,
  ): Promise<Record<string, Buffer>>;
  handleGetPrivateDataHash(collection: string, key: string, channelId: string, txId: string): Promise<Buffer>;
  handleGetStateByRange(
    collection: string,
    startKey: string,
    endKey: string,
    channelId: string,
    txId: string,
    metadata?: Uint8Array,
  ): Promise<{ iterator: ShimIterator<QueryResultKV> }>;
  handleGetQueryResult(
    collection: string,
    query: string,
    metadata: Uint8Array | null | undefined,
    channelId: string,
    txId: string,
  ): Promise<{ iterator: ShimIterator<QueryResultKV> }>;
  handleGetHistoryForKey(
    key: string,
    channelId: string,
    txId: string,
  ): Promise<ShimIterator<QueryResultKeyModification>>;
  handleInvokeChaincode(
    chaincodeName: string,
    args: string[],
    channelId: string,
    txId: string,
  ): Promise<never>;
}

/** The decoded proposal a stub serves: what a real stub reads from the SignedProposal. */
export interface StubProposal {
  readonly channelId: string;
  readonly txId: string;
  /** Function name first, then its arguments. */
  readonly args: readonly string[];
  readonly creator: CreatorRecord;
  readonly timestamp: Date;
  readonly transient: ReadonlyMap<string, Uint8Array>;
  /** The MSP of the peer running the chaincode, for `getMspID()`. */
  readonly peerMspId: string;
}

/** The `ChaincodeInput` accessor stub.js reads the arguments from. */
interface ChaincodeInputLike {
  getArgsList_asU8(): Uint8Array[];
}

type ChaincodeStubConstructor = new (
  handler: ShimHandler,
  channelId: string,
  txId: string,
  input: ChaincodeInputLike,
) => ChaincodeStub;

// JS boundary: stub.js's constructor takes (handler, channelId, txId, input, signedProposal?); the
// typings declare no constructor because chaincode never builds a stub itself.
const FabricChaincodeStub = ChaincodeStub as unknown as ChaincodeStubConstructor;

/** The accessors of the `ChaincodeEvent` protobuf message `setEvent` stores on the stub. */
interface ChaincodeEventMessage {
  getEventName(): string;
  getPayload_asU8(): Uint8Array;
}

function isChaincodeEventMessage(value: unknown): value is ChaincodeEventMessage {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  return (
    'getEventName' in value &&
    typeof value.getEventName === 'function' &&
    'getPayload_asU8' in value &&
    typeof value.getPayload_asU8 === 'function'
  );
}

/**
 * A real fabric-shim `ChaincodeStub` for one simulated proposal.
 *
 * @example
 * const stub = new SimulatedStub(simulator, proposal);
 * const response = await dispatcher.invoke(stub);
 * const event = stub.lastEvent();
 */
export class SimulatedStub extends FabricChaincodeStub {
  // The fields stub.js's constructor fills from a decoded SignedProposal; the inherited getCreator,
  // getTxTimestamp, getDateTimestamp and getTransient read them, so fabric-shim itself shapes the values.
  protected readonly creator: SerializedIdentity;
  protected readonly txTimestamp: ProtoTimestamp;
  protected readonly transientMap: Map<string, Buffer>;
  // Set by the inherited setEvent; read here the way the shim's handler reads it after Invoke.
  declare private readonly chaincodeEvent: unknown;
  readonly #peerMspId: string;

  constructor(handler: ShimHandler, proposal: StubProposal) {
    const argsU8 = proposal.args.map((arg) => Buffer.from(arg, 'utf8'));
    super(handler, proposal.channelId, proposal.txId, { getArgsList_asU8: () => argsU8 });
    this.creator = {
      mspid: proposal.creator.mspId,
      idBytes: Buffer.from(proposal.creator.certificate, 'utf8'),
    };
    this.txTimestamp = toProtoTimestamp(proposal.timestamp);
    this.transientMap = new Map([...proposal.transient].map(([key, value]) => [key, Buffer.from(value)]));
    this.#peerMspId = proposal.peerMspId;
  }

  /** The MSP of the peer (a real stub reads `CORE_PEER_LOCALMSPID` from its environment). */
  override getMspID(): string {
    return this.#peerMspId;
  }

  /** @throws always: the embedded peer receives no signed proposal. */
  override getSignedProposal(): never {
    throw new Error('getSignedProposal is not available on the embedded peer');
  }

  /** @throws always: the binding hashes the signed proposal, which the embedded peer does not have. */
  override getBinding(): never {
    throw new Error('getBinding is not available on the embedded peer');
  }

  /** The event of the last `setEvent` call, as the peer receives it, or `undefined`. */
  lastEvent(): ChaincodeEventRecord | undefined {
    if (!isChaincodeEventMessage(this.chaincodeEvent)) {
      return undefined;
    }
    return {
      eventName: this.chaincodeEvent.getEventName(),
      payload: Buffer.from(this.chaincodeEvent.getPayload_asU8()),
    };
  }
}
