/**
 * An in-process Fabric peer: it runs real fabric-contract-api contract classes through fabric-shim's
 * own dispatcher and stub, with Fabric's transaction semantics — simulation against committed state
 * with read/write sets, blocks validated in order with MVCC and phantom checks, key history, and
 * chaincode events delivered only after commit. It is the core of the embedded ledger; the state
 * lives behind {@link VersionedStateStore} so that a durable store can replace the in-memory one.
 */
import { randomFillSync } from 'node:crypto';

import { CommitLock } from './commit.lock';
import type { ChaincodeInfo, ContractClass } from './contract.dispatcher';
import { ContractDispatcher } from './contract.dispatcher';
import type { BlockRecord, ChaincodeEventRecord, ValidationCode } from './ledger.records';
import { MemoryStateStore } from './memory.state.store';
import { validateBlock } from './mvcc.validator';
import type { ErrorDetail } from './peer.errors';
import { CommitError, EndorseError } from './peer.errors';
import type { EndorsementScope, Endorser, Proposal, Simulation } from './proposal.endorser';
import { endorseProposal } from './proposal.endorser';
import type { VersionedStateStore } from './state.store';
import type { X509Identity } from './x509.identity';

/** How to build a peer. */
export interface PeerSimulatorOptions {
  /** The channel the chaincode runs on (`getChannelID()`). */
  readonly channel: string;
  /** The chaincode name, carried on every chaincode event. */
  readonly chaincodeName: string;
  /** The MSP of this peer (`getMspID()`); defaults to `EmbeddedMSP`. */
  readonly peerMspId?: string;
  /** Where committed data lives; defaults to a fresh {@link MemoryStateStore}. */
  readonly store?: VersionedStateStore;
  /** Stamps proposals; defaults to the system clock. */
  readonly clock?: () => Date;
  /** Names transactions; defaults to 32 random bytes in hex, the length of a Fabric transaction id. */
  readonly txIdFactory?: () => string;
  /** Title and version for the contract metadata (`org.hyperledger.fabric:GetMetadata`). */
  readonly info?: ChaincodeInfo;
  /**
   * Runs the proposals instead of this thread (simulation workers over the same durable store);
   * by default the peer simulates itself, under its commit lock.
   */
  readonly endorser?: Endorser;
  /** Receives what an event listener throws; defaults to `process.emitWarning`. */
  readonly onListenerError?: (error: unknown, event: ChaincodeEvent) => void;
}

/** Per-proposal overrides. */
export interface ProposalOptions {
  /** Use this transaction id instead of a fresh one. */
  readonly txId?: string;
  /** Use this proposal timestamp instead of the clock. */
  readonly timestamp?: Date;
  /** The transient map (`getTransient()`); never stored. */
  readonly transient?: Readonly<Record<string, Uint8Array>>;
}

/** The outcome of one transaction in a committed block. */
export interface CommittedTransaction {
  readonly txId: string;
  readonly txIndex: number;
  readonly validationCode: ValidationCode;
}

/** A committed block: its number and the validation code of each transaction, in order. */
export interface BlockCommit {
  readonly blockNumber: number;
  readonly transactions: readonly CommittedTransaction[];
}

/** A successfully submitted transaction. */
export interface SubmitResult {
  readonly txId: string;
  readonly blockNumber: number;
  readonly timestamp: Date;
  /** The contract's return value as serialized by fabric-contract-api. */
  readonly payload: Buffer;
  readonly event?: ChaincodeEventRecord;
}

/** A chaincode event of a valid, committed transaction. */
export interface ChaincodeEvent {
  readonly blockNumber: number;
  readonly txIndex: number;
  readonly txId: string;
  readonly chaincodeName: string;
  readonly eventName: string;
  readonly payload: Buffer;
}

/** Receives committed chaincode events, in commit order. */
export type ChaincodeEventListener = (event: ChaincodeEvent) => void;

/** Status codes at or above this are a refusal (fabric-shim's `ERRORTHRESHOLD`). */
const ERROR_THRESHOLD = 400;
const PEER_ADDRESS = 'embedded';

const TX_ID_BYTES = 32;
// Random bytes for 256 ids at a time: one randomBytes call per id cost 2.5 µs, most of it the call.
const txIdPool = Buffer.alloc(TX_ID_BYTES * 256);
let txIdOffset = txIdPool.length;

function randomTxId(): string {
  if (txIdOffset === txIdPool.length) {
    randomFillSync(txIdPool);
    txIdOffset = 0;
  }
  const id = txIdPool.toString('hex', txIdOffset, txIdOffset + TX_ID_BYTES);
  txIdOffset += TX_ID_BYTES;
  return id;
}

function warnListenerError(error: unknown): void {
  process.emitWarning(
    error instanceof Error ? error : new Error(String(error)),
    'ChaincodeEventListenerWarning',
  );
}

function eventsOf(block: BlockRecord, chaincodeName: string): ChaincodeEvent[] {
  return block.transactions.flatMap((tx) =>
    tx.validationCode === 'VALID' && tx.event !== undefined
      ? [
          {
            blockNumber: block.number,
            txIndex: tx.txIndex,
            txId: tx.txId,
            chaincodeName,
            eventName: tx.event.eventName,
            payload: Buffer.from(tx.event.payload),
          },
        ]
      : [],
  );
}

/**
 * A Fabric peer, orderer and committer in one object, for one channel and one chaincode.
 *
 * @example
 * const peer = new PeerSimulator([InspectionContract], { channel: 'food', chaincodeName: 'inspection' });
 * const { payload } = await peer.submit(alice, 'CreateSelfTest', [JSON.stringify(report)]);
 * const stored = await peer.evaluate(alice, 'ReadSelfTest', [id]);
 */
export class PeerSimulator {
  /** The channel the chaincode runs on. */
  readonly channel: string;
  /** The chaincode name events carry. */
  readonly chaincodeName: string;
  /** The MSP of this peer. */
  readonly peerMspId: string;

  /** Simulates a proposal: on the given endorser, or here under the commit lock. */
  readonly #endorse: (proposal: Proposal) => Promise<Simulation>;
  readonly #store: VersionedStateStore;
  readonly #clock: () => Date;
  readonly #txIdFactory: () => string;
  readonly #onListenerError: (error: unknown, event: ChaincodeEvent) => void;
  readonly #lock = new CommitLock();
  readonly #listeners = new Set<ChaincodeEventListener>();
  #deliveredHeight: number;

  /**
   * @param contracts - the contract classes of the chaincode; the first is the default contract
   *   unless one is decorated `@Default()`.
   * @param options - channel, chaincode name and the injected parts.
   * @throws when a class is not a fabric-contract-api `Contract` (checked here only when this peer
   *   simulates itself; with an `endorser`, the endorser runs the contracts).
   */
  constructor(contracts: readonly ContractClass[], options: PeerSimulatorOptions) {
    this.channel = options.channel;
    this.chaincodeName = options.chaincodeName;
    this.peerMspId = options.peerMspId ?? 'EmbeddedMSP';
    this.#store = options.store ?? new MemoryStateStore();
    const { endorser } = options;
    if (endorser === undefined) {
      const scope: EndorsementScope = {
        dispatcher: new ContractDispatcher(contracts, options.info),
        reader: this.#store,
        channel: this.channel,
        peerMspId: this.peerMspId,
      };
      this.#endorse = (proposal) => this.#lock.shared(() => endorseProposal(scope, proposal));
    } else {
      // Each worker simulation runs in its own SQLite read transaction: a snapshot without the lock.
      this.#endorse = (proposal) => endorser.simulate(proposal);
    }
    this.#clock = options.clock ?? (() => new Date());
    this.#txIdFactory = options.txIdFactory ?? randomTxId;
    this.#onListenerError = options.onListenerError ?? warnListenerError;
    // Listeners hear only what is committed from now on; earlier events are read with events().
    this.#deliveredHeight = this.#store.height;
  }

  /** The number of committed blocks (the next block's number). */
  get height(): number {
    return this.#store.height;
  }

  /**
   * Runs a proposal without committing it: the contract reads committed state only (never its own
   * writes), its writes are buffered in the write set and its event is held until commit.
   *
   * @param identity - who proposes; only its MSP id and certificate are used.
   * @param fcn - `Tx` for the default contract or `Contract:Tx`.
   * @param args - the transaction arguments, all strings.
   * @returns the simulation; a contract failure is `status` 500 with `message`, not a rejection.
   * @example
   * const a = await peer.simulate(alice, 'Increment', ['counter']);
   * const b = await peer.simulate(bob, 'Increment', ['counter']);
   * await peer.commit([a, b]); // b: MVCC_READ_CONFLICT
   */
  async simulate(
    identity: X509Identity,
    fcn: string,
    args: readonly string[] = [],
    options: ProposalOptions = {},
  ): Promise<Simulation> {
    const proposal: Proposal = {
      txId: options.txId ?? this.#txIdFactory(),
      timestamp: options.timestamp ?? this.#clock(),
      creator: { mspId: identity.mspId, certificate: identity.certificate },
      fcn,
      args: [...args],
      transient: new Map(Object.entries(options.transient ?? {})),
    };
    return this.#endorse(proposal);
  }

  /**
   * Orders simulations into the next block and commits it: each is validated in order against the
   * committed state plus the valid transactions before it in the block; only valid ones write, enter
   * key history and emit their event.
   *
   * @returns the block number and each transaction's validation code (`VALID`,
   *   `MVCC_READ_CONFLICT`, `PHANTOM_READ_CONFLICT`, `ENDORSEMENT_FAILURE`, `DUPLICATE_TXID`).
   * @throws RangeError when `simulations` is empty (Fabric cuts no empty blocks).
   */
  async commit(simulations: readonly Simulation[]): Promise<BlockCommit> {
    if (simulations.length === 0) {
      throw new RangeError('a block needs at least one transaction');
    }
    const block = await this.#lock.exclusive(() => {
      const batch = this.#store.readConsistently(() => validateBlock(this.#store, simulations));
      this.#store.applyBlock(batch);
      return batch.block;
    });
    this.#deliverCommittedEvents();
    return {
      blockNumber: block.number,
      transactions: block.transactions.map(({ txId, txIndex, validationCode }) => ({
        txId,
        txIndex,
        validationCode,
      })),
    };
  }

  /**
   * Simulates and commits one transaction in its own block.
   *
   * @throws EndorseError when the contract refuses (nothing is written or emitted).
   * @throws CommitError when validation invalidates it; `retryable` for read conflicts.
   * @example
   * try {
   *   await peer.submit(alice, 'CreateSelfTest', [json]);
   * } catch (error) {
   *   if (error instanceof CommitError && error.retryable) { ... }
   * }
   */
  async submit(
    identity: X509Identity,
    fcn: string,
    args: readonly string[] = [],
    options: ProposalOptions = {},
  ): Promise<SubmitResult> {
    const simulation = this.#endorsed(await this.simulate(identity, fcn, args, options));
    const {
      blockNumber,
      transactions: [outcome],
    } = await this.commit([simulation]);
    const code = outcome?.validationCode;
    if (code === undefined) {
      throw new Error(`block ${blockNumber} lost transaction ${simulation.txId}`);
    }
    if (code !== 'VALID') {
      throw new CommitError(simulation.txId, code, blockNumber, [
        this.#detail(`transaction invalidated: ${code}`),
      ]);
    }
    return {
      txId: simulation.txId,
      blockNumber,
      timestamp: simulation.timestamp,
      payload: simulation.payload,
      ...(simulation.event === undefined ? {} : { event: simulation.event }),
    };
  }

  /**
   * Runs a query: the contract's return value, with every write it attempted discarded.
   *
   * @throws EndorseError when the contract refuses.
   */
  async evaluate(
    identity: X509Identity,
    fcn: string,
    args: readonly string[] = [],
    options: ProposalOptions = {},
  ): Promise<Buffer> {
    return this.#endorsed(await this.simulate(identity, fcn, args, options)).payload;
  }

  /**
   * The chaincode events of valid transactions committed from `fromBlock` on, in block and
   * transaction order.
   */
  events(fromBlock = 0): ChaincodeEvent[] {
    const events: ChaincodeEvent[] = [];
    for (let number = Math.max(0, fromBlock); number < this.#store.height; number++) {
      const block = this.#store.block(number);
      if (block !== undefined) {
        events.push(...eventsOf(block, this.chaincodeName));
      }
    }
    return events;
  }

  /**
   * Calls `listener` with each chaincode event committed from now on, after its block commits and in
   * commit order. The listener must not throw (see `onListenerError`).
   *
   * @returns a function that removes the listener.
   */
  onEvent(listener: ChaincodeEventListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #endorsed(simulation: Simulation): Simulation {
    if (simulation.status >= ERROR_THRESHOLD) {
      const message = simulation.message ?? '';
      throw new EndorseError(simulation.txId, simulation.status, message, [this.#detail(message)]);
    }
    return simulation;
  }

  #detail(message: string): ErrorDetail {
    return { address: PEER_ADDRESS, mspId: this.peerMspId, message };
  }

  /** Delivers every block not yet delivered, so that events reach listeners in commit order. */
  #deliverCommittedEvents(): void {
    while (this.#deliveredHeight < this.#store.height) {
      const block = this.#store.block(this.#deliveredHeight);
      this.#deliveredHeight += 1;
      for (const event of block === undefined ? [] : eventsOf(block, this.chaincodeName)) {
        for (const listener of this.#listeners) {
          try {
            listener(event);
          } catch (error: unknown) {
            this.#onListenerError(error, event);
          }
        }
      }
    }
  }
}
