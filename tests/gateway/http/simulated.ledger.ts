/**
 * A {@link LedgerPort} over the in-process {@link PeerSimulator} running the real contract, for
 * the API tests: refusals become {@link ContractError}s as on any ledger, read conflicts become
 * {@link TransientLedgerError}s, and a test can take the ledger down or make it busy.
 */
import { contracts } from '../../../chaincode';
import {
  ContractError,
  TransientLedgerError,
  type LedgerUnavailableError,
} from '../../../gateway/ledger/ledger.errors';
import type {
  EventCheckpoint,
  LedgerBlockEvents,
  LedgerIdentity,
  LedgerPort,
  SubmitOutcome,
} from '../../../gateway/ledger/ledger.port';
import { CommitError, EndorseError } from '../../../gateway/ledger/embedded/peer.errors';
import { PeerSimulator } from '../../../gateway/ledger/embedded/peer.simulator';

/** Maps the embedded peer's failures to the port's error classes. */
export function translateLedgerError(error: unknown): unknown {
  if (error instanceof EndorseError)
    return ContractError.fromMessage(error.chaincodeMessage, error.transactionId);
  if (error instanceof CommitError && error.retryable) {
    return new TransientLedgerError(error.message, 'mvcc-conflict', error.transactionId, error);
  }
  return error;
}

export class SimulatedLedger implements LedgerPort {
  readonly kind = 'embedded' as const;
  readonly peer = new PeerSimulator(contracts, { channel: 'food-safety', chaincodeName: 'inspection' });
  /** Block of each committed transaction, as a read model would learn it. */
  readonly committed = new Map<string, number>();
  /** When set, every call fails with it (a ledger that cannot be reached). */
  outage: LedgerUnavailableError | undefined;
  /** How many coming submits fail with an MVCC conflict before one goes through. */
  conflicts = 0;
  /** Submits attempted, including those that failed. */
  submitAttempts = 0;

  async submit(identity: LedgerIdentity, fcn: string, args: readonly string[]): Promise<SubmitOutcome> {
    this.submitAttempts += 1;
    if (this.outage) throw this.outage;
    if (this.conflicts > 0) {
      this.conflicts -= 1;
      throw new TransientLedgerError('simulated MVCC read conflict', 'mvcc-conflict');
    }
    try {
      const result = await this.peer.submit(identity, fcn, args);
      this.committed.set(result.txId, result.blockNumber);
      return { txId: result.txId, blockNumber: result.blockNumber, payload: result.payload };
    } catch (error: unknown) {
      throw translateLedgerError(error);
    }
  }

  async evaluate(identity: LedgerIdentity, fcn: string, args: readonly string[]): Promise<Buffer> {
    if (this.outage) throw this.outage;
    try {
      return await this.peer.evaluate(identity, fcn, args);
    } catch (error: unknown) {
      throw translateLedgerError(error);
    }
  }

  height(): Promise<number> {
    return this.outage ? Promise.reject(this.outage) : Promise.resolve(this.peer.height);
  }

  /** The committed blocks from the checkpoint on; it does not wait for new ones. */
  async *blocks(from: EventCheckpoint, signal: AbortSignal): AsyncIterable<LedgerBlockEvents> {
    for (let blockNumber = from.nextBlock; blockNumber < this.peer.height && !signal.aborted; blockNumber++) {
      const events = this.peer
        .events(blockNumber)
        .filter((event) => event.blockNumber === blockNumber)
        .map(({ txIndex, txId, eventName, payload }) => ({ blockNumber, txIndex, txId, eventName, payload }));
      yield await Promise.resolve({ blockNumber, events });
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
