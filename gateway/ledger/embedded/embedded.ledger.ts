/**
 * The embedded ledger (DESIGN §4, "Two ledgers behind one port"): the chaincode's own contract
 * classes run in-process by the peer simulator, against a durable SQLite store, with Fabric's
 * semantics — simulate, endorse, order into blocks cut by size or time, MVCC-validate, commit with a
 * hash chain, deliver chaincode events after commit in block order. It is the product's default
 * ledger; this folder is the one place in `gateway/` that imports `chaincode/`.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { contracts } from '../../../chaincode';
import { CHAINCODE_INFO } from '../../../chaincode/shim.binding';
import { ContractError, LedgerUnavailableError, TransientLedgerError } from '../ledger.errors';
import type {
  EventCheckpoint,
  LedgerBlockEvents,
  LedgerEvent,
  LedgerIdentity,
  LedgerPort,
  SubmitOutcome,
} from '../ledger.port';
import { BlockCutter } from './block.cutter';
import type { BlockRecord, ValidationCode } from './ledger.records';
import { PeerSimulator } from './peer.simulator';
import type { Endorser, Simulation } from './proposal.endorser';
import { EndorserUnavailableError } from './proposal.endorser';
import type { SqliteSynchronous } from './sqlite.schema';
import { LEDGER_DATABASE_FILE } from './sqlite.schema';
import { SqliteStateStore } from './sqlite.state.store';
import { WorkerEndorser } from './worker.endorser';

/** How to open an embedded ledger. */
export interface EmbeddedLedgerOptions {
  /** The directory of the ledger file (`ledger.sqlite`); created when missing. */
  readonly dataDir: string;
  /** Cut a block when this many transactions wait. Default 500. */
  readonly blockMaxTransactions?: number;
  /** Cut a block at the latest this many milliseconds after its first transaction. Default 10. */
  readonly blockTimeoutMs?: number;
  /**
   * `FULL` (default): an acknowledged transaction survives a process kill and an OS crash.
   * `NORMAL`: it survives a process kill; an OS crash or power loss may lose the last acknowledged
   * blocks (the file stays consistent and verifies).
   */
  readonly synchronous?: SqliteSynchronous;
  /** Stamps transaction proposals; defaults to the system clock. */
  readonly clock?: () => Date;
  /**
   * Worker threads that run the contract (endorsement) beside this thread's validation and block
   * commits. Default 0: the contract runs on this thread.
   */
  readonly simulationWorkers?: number;
  /** The compiled worker script; defaults to `simulation.worker.js` beside this module. */
  readonly simulationWorkerScript?: string;
}

/** The channel and chaincode names the embedded peer reports to the contract and on events. */
export const EMBEDDED_CHANNEL = 'food-safety';
/** See {@link EMBEDDED_CHANNEL}. */
export const EMBEDDED_CHAINCODE = 'inspection';

/** Seconds a caller should wait before trying a closed or failing embedded ledger again. */
const RETRY_AFTER_SECONDS = 5;
/** fabric-shim's error threshold: a response status at or above it is a refusal. */
const ERROR_THRESHOLD = 400;
/** The MSP id the embedded peer reports (`getMspID()`). */
const EMBEDDED_PEER_MSP = 'EmbeddedMSP';

/** A transaction's fate in its block. */
interface BlockOutcome {
  readonly blockNumber: number;
  readonly validationCode: ValidationCode;
}

/** A proposal endorsed and queued for ordering. */
interface Queued {
  readonly simulation: Simulation;
  readonly committed: Promise<BlockOutcome>;
}

function eventsOf(block: BlockRecord): LedgerEvent[] {
  return block.transactions.flatMap((tx) =>
    tx.validationCode === 'VALID' && tx.event !== undefined
      ? [
          {
            blockNumber: block.number,
            txIndex: tx.txIndex,
            txId: tx.txId,
            eventName: tx.event.eventName,
            payload: Buffer.from(tx.event.payload),
          },
        ]
      : [],
  );
}

function invalidated(code: Exclude<ValidationCode, 'VALID'>, txId: string, blockNumber: number): Error {
  const message = `transaction ${txId} was invalidated in block ${blockNumber}: ${code}`;
  switch (code) {
    case 'MVCC_READ_CONFLICT':
    case 'PHANTOM_READ_CONFLICT':
      return new TransientLedgerError(message, 'mvcc-conflict', txId);
    case 'DUPLICATE_TXID':
      return new ContractError('LEDGER.DUPLICATE_TXID', message, 'conflict', [], txId);
    case 'ENDORSEMENT_FAILURE':
      return new ContractError('LEDGER.ENDORSEMENT_FAILURE', message, 'unknown', [], txId);
  }
}

function unavailable(message: string, cause?: unknown): LedgerUnavailableError {
  return new LedgerUnavailableError(message, RETRY_AFTER_SECONDS, cause);
}

/**
 * A {@link LedgerPort} over the in-process peer and a SQLite file. Submits resolve only once their
 * block is committed to disk; events are read back from the committed blocks, so they survive a
 * restart and any consumer can resume from its checkpoint.
 *
 * @example
 * const ledger = await EmbeddedLedger.open({ dataDir: './data' });
 * const { txId, blockNumber, payload } = await ledger.submit(identity, 'SubmitSelfTest', [json]);
 * for await (const { blockNumber, events } of ledger.blocks({ nextBlock: 0 }, signal)) { … }
 * await ledger.close();
 */
export class EmbeddedLedger implements LedgerPort {
  /** {@inheritDoc LedgerPort.kind} */
  readonly kind = 'embedded' as const;
  /** The SQLite file that holds the ledger (for `verifyChain`). */
  readonly databaseFile: string;

  readonly #store: SqliteStateStore;
  readonly #peer: PeerSimulator;
  readonly #endorser: Endorser | undefined;
  readonly #cutter: BlockCutter<Simulation, BlockOutcome>;
  /** Calls between their start and the moment they are queued (or answered): close waits for them. */
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Wakes block readers waiting for the next commit (or for close). */
  readonly #commitWaiters = new Set<() => void>();
  #closing = false;
  /** Set once the last block is committed: block readers end. */
  #readersEnded = false;
  #closed: Promise<void> | undefined;

  private constructor(store: SqliteStateStore, options: EmbeddedLedgerOptions, endorser?: Endorser) {
    this.#store = store;
    this.databaseFile = store.file;
    this.#endorser = endorser;
    this.#peer = new PeerSimulator(contracts, {
      channel: EMBEDDED_CHANNEL,
      chaincodeName: EMBEDDED_CHAINCODE,
      peerMspId: EMBEDDED_PEER_MSP,
      store,
      info: CHAINCODE_INFO,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(endorser === undefined ? {} : { endorser }),
    });
    this.#cutter = new BlockCutter((simulations) => this.#commitBlock(simulations), {
      ...(options.blockMaxTransactions === undefined
        ? {}
        : { maxTransactions: options.blockMaxTransactions }),
      ...(options.blockTimeoutMs === undefined ? {} : { timeoutMs: options.blockTimeoutMs }),
    });
  }

  /**
   * Opens the ledger in `dataDir` (creating the directory and `ledger.sqlite` on first use). After a
   * restart the ledger has the same height, state, history and events as when it was closed or killed.
   *
   * @throws {LedgerStorageError} when the file exists but is not a ledger of this schema version.
   * @throws RangeError when the block options or the worker count are out of range.
   * @throws SqliteError when SQLite cannot open or create the file.
   * @throws when a simulation worker cannot start (its compiled script is missing).
   */
  static async open(options: EmbeddedLedgerOptions): Promise<EmbeddedLedger> {
    await mkdir(options.dataDir, { recursive: true });
    const store = SqliteStateStore.open(path.join(options.dataDir, LEDGER_DATABASE_FILE), {
      ...(options.synchronous === undefined ? {} : { synchronous: options.synchronous }),
    });
    let endorser: Endorser | undefined;
    try {
      const workers = options.simulationWorkers ?? 0;
      if (workers > 0) {
        endorser = await WorkerEndorser.start({
          databaseFile: store.file,
          workers,
          channel: EMBEDDED_CHANNEL,
          peerMspId: EMBEDDED_PEER_MSP,
          ...(options.simulationWorkerScript === undefined ? {} : { script: options.simulationWorkerScript }),
        });
      } else if (workers < 0 || !Number.isSafeInteger(workers)) {
        throw new RangeError(`simulationWorkers must be a non-negative integer, not ${String(workers)}`);
      }
      return new EmbeddedLedger(store, options, endorser);
    } catch (error: unknown) {
      await endorser?.close();
      store.close();
      throw error;
    }
  }

  /**
   * {@inheritDoc LedgerPort.submit}
   *
   * @throws {ContractError} when the contract refuses; its `code` is the domain error code.
   * @throws {TransientLedgerError} `mvcc-conflict` when a transaction committed first in the same or an
   *   earlier block changed what this one read; submitting again may succeed.
   * @throws {LedgerUnavailableError} when the ledger is closed or its file cannot be written.
   */
  async submit(identity: LedgerIdentity, fcn: string, args: readonly string[]): Promise<SubmitOutcome> {
    const { simulation, committed } = await this.#track(this.#endorseAndQueue(identity, fcn, args));
    let outcome: BlockOutcome;
    try {
      outcome = await committed;
    } catch (error: unknown) {
      throw unavailable(`the embedded ledger could not commit transaction ${simulation.txId}`, error);
    }
    if (outcome.validationCode !== 'VALID') {
      throw invalidated(outcome.validationCode, simulation.txId, outcome.blockNumber);
    }
    return { txId: simulation.txId, blockNumber: outcome.blockNumber, payload: simulation.payload };
  }

  /**
   * {@inheritDoc LedgerPort.evaluate}
   *
   * @throws {ContractError} when the contract refuses.
   * @throws {LedgerUnavailableError} when the ledger is closed.
   */
  async evaluate(identity: LedgerIdentity, fcn: string, args: readonly string[]): Promise<Buffer> {
    const simulation = await this.#track(this.#endorse(identity, fcn, args));
    return simulation.payload;
  }

  /** {@inheritDoc LedgerPort.height} */
  height(): Promise<number> {
    return Promise.resolve(this.#store.height);
  }

  /**
   * {@inheritDoc LedgerPort.blocks}
   *
   * Reads committed blocks from the file (so events survive restarts), yields every block including
   * those without events, then sleeps until the next commit; it ends when `signal` aborts or the
   * ledger closes.
   *
   * @throws RangeError when `from.nextBlock` is not a non-negative integer.
   * @throws {BlockDataError} when a stored block does not decode (run `verifyChain`).
   */
  async *blocks(from: EventCheckpoint, signal: AbortSignal): AsyncGenerator<LedgerBlockEvents> {
    if (!Number.isSafeInteger(from.nextBlock) || from.nextBlock < 0) {
      throw new RangeError(`nextBlock must be a non-negative integer, not ${from.nextBlock}`);
    }
    let next = from.nextBlock;
    while (!signal.aborted && !this.#readersEnded) {
      const block = next < this.#store.height ? this.#store.block(next) : undefined;
      if (block === undefined) {
        await this.#nextCommit(signal);
        continue;
      }
      yield { blockNumber: block.number, events: eventsOf(block) };
      next += 1;
    }
  }

  /**
   * Stops taking calls, waits for the calls under way, commits the queued transactions as a last
   * block, ends the block readers and closes the file. Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    await Promise.allSettled([...this.#inFlight]);
    await this.#cutter.close();
    await this.#endorser?.close();
    this.#readersEnded = true;
    this.#wakeReaders();
    this.#store.close();
  }

  /** Simulates and checks the endorsement; a refusal becomes a {@link ContractError}. */
  async #endorse(identity: LedgerIdentity, fcn: string, args: readonly string[]): Promise<Simulation> {
    if (this.#closing) {
      throw unavailable('the embedded ledger is closed');
    }
    let simulation: Simulation;
    try {
      simulation = await this.#peer.simulate(identity, fcn, args);
    } catch (error: unknown) {
      if (error instanceof EndorserUnavailableError) {
        throw unavailable(`the embedded peer could not simulate ${fcn}: ${error.message}`, error);
      }
      throw error;
    }
    if (simulation.status >= ERROR_THRESHOLD) {
      throw ContractError.fromMessage(simulation.message ?? '', simulation.txId);
    }
    return simulation;
  }

  async #endorseAndQueue(identity: LedgerIdentity, fcn: string, args: readonly string[]): Promise<Queued> {
    const simulation = await this.#endorse(identity, fcn, args);
    return { simulation, committed: this.#cutter.enqueue(simulation) };
  }

  async #commitBlock(simulations: readonly Simulation[]): Promise<BlockOutcome[]> {
    try {
      const block = await this.#peer.commit(simulations);
      return block.transactions.map((tx) => ({
        blockNumber: block.blockNumber,
        validationCode: tx.validationCode,
      }));
    } finally {
      this.#wakeReaders();
    }
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    const forget = (): void => {
      this.#inFlight.delete(work);
    };
    work.then(forget, forget);
    return work;
  }

  /** Resolves at the next commit, on close, or when `signal` aborts. */
  #nextCommit(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        signal.removeEventListener('abort', wake);
        this.#commitWaiters.delete(wake);
        resolve();
      };
      this.#commitWaiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  #wakeReaders(): void {
    for (const wake of [...this.#commitWaiters]) {
      wake();
    }
  }
}
