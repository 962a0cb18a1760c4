/**
 * Endorsement: running one transaction proposal through the contract against committed state, the
 * way a Fabric endorsing peer does. The contract reads committed state only (never its own writes),
 * its writes are buffered in the write set and its event is held for the commit. The same function
 * serves the peer's own thread and the simulation workers.
 */
import type { ContractDispatcher } from './contract.dispatcher';
import type { CreatorRecord, ReadSet, WriteSet } from './ledger.records';
import type { UnvalidatedTransaction } from './mvcc.validator';
import { SimulatedStub } from './simulated.stub';
import type { SimulationStateReader } from './transaction.simulator';
import { TransactionSimulator } from './transaction.simulator';

/** One transaction proposal, with everything fixed before it is simulated. */
export interface Proposal {
  readonly txId: string;
  readonly timestamp: Date;
  readonly creator: CreatorRecord;
  /** `Tx` for the default contract or `Contract:Tx`. */
  readonly fcn: string;
  readonly args: readonly string[];
  /** The transient map (`getTransient()`); never stored. */
  readonly transient: ReadonlyMap<string, Uint8Array>;
}

/**
 * A simulated (endorsed or refused) transaction, ready to be ordered into a block. A refused one
 * (status 500) carries the contract's `message`, empty read and write sets and no event.
 */
export type Simulation = UnvalidatedTransaction;

/** Something that turns proposals into simulations: the peer's own thread, or a pool of workers. */
export interface Endorser {
  /**
   * Simulates `proposal` against committed state. A contract failure is a simulation with status
   * 500, not a rejection.
   *
   * @throws {EndorserUnavailableError} when the endorser cannot run the proposal at all.
   */
  simulate(proposal: Proposal): Promise<Simulation>;
  /** Stops the endorser once the simulations under way are answered. Idempotent. */
  close(): Promise<void>;
}

/** The endorser could not run a proposal (its worker died or it is closed); retrying later may work. */
export class EndorserUnavailableError extends Error {
  /**
   * @param message - what failed.
   * @param cause - the underlying error, when there is one.
   */
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'EndorserUnavailableError';
  }
}

/** What a peer's endorsement runs on. */
export interface EndorsementScope {
  readonly dispatcher: ContractDispatcher;
  readonly reader: SimulationStateReader;
  /** The channel the chaincode runs on (`getChannelID()`). */
  readonly channel: string;
  /** The MSP of the endorsing peer (`getMspID()`). */
  readonly peerMspId: string;
}

/** Status codes at or above this are a refusal (fabric-shim's `ERRORTHRESHOLD`). */
const ERROR_THRESHOLD = 400;
const EMPTY_READ_SET: ReadSet = { reads: [], rangeQueries: [] };
const EMPTY_WRITE_SET: WriteSet = { writes: [], metadataWrites: [] };

/**
 * Runs `proposal` through the contract against the committed state `scope.reader` shows. The caller
 * makes sure that state does not change under the simulation (a lock, or an SQLite read transaction).
 *
 * @returns the simulation; a contract failure is status 500 with `message`, never a rejection.
 */
export async function endorseProposal(scope: EndorsementScope, proposal: Proposal): Promise<Simulation> {
  const { txId, timestamp, creator, fcn } = proposal;
  const args = [...proposal.args];
  const simulator = new TransactionSimulator(scope.reader, txId);
  const stub = new SimulatedStub(simulator, {
    channelId: scope.channel,
    txId,
    args: [fcn, ...args],
    creator,
    timestamp,
    transient: new Map(proposal.transient),
    peerMspId: scope.peerMspId,
  });
  const response = await scope.dispatcher.invoke(stub);
  const { readSet, writeSet } = simulator.done();
  const common = { txId, timestamp, creator, fcn, args, status: response.status, payload: response.payload };
  if (response.status >= ERROR_THRESHOLD) {
    return {
      ...common,
      message: response.message ?? '',
      readSet: EMPTY_READ_SET,
      writeSet: EMPTY_WRITE_SET,
    };
  }
  const event = stub.lastEvent();
  return { ...common, readSet, writeSet, ...(event === undefined ? {} : { event }) };
}
