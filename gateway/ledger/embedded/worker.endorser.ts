/**
 * The embedded peer's endorsers on worker threads. Contract execution is most of what a transaction
 * costs the embedded ledger; on the main thread it would compete with block validation, the SQLite
 * commits, the event consumer and the HTTP server. Each worker opens its own read connection to the
 * ledger file and simulates one proposal at a time in a read transaction (see `simulation.worker`).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import type { Endorser, Proposal, Simulation } from './proposal.endorser';
import { EndorserUnavailableError } from './proposal.endorser';

/** A proposal sent to a worker. */
export interface WorkerRequest {
  readonly id: number;
  readonly proposal: Proposal;
  /** Whether the worker also encodes the transaction's block bytes (see {@link ENCODE_BELOW_BACKLOG}). */
  readonly encode: boolean;
}

/**
 * A worker encodes the block bytes of the transactions it simulates (`encodeTransaction`) only while
 * at most this many proposals (the one sent included) wait for it; behind a longer queue the
 * committing thread encodes them.
 * Encoding in the worker spares the committing thread, which pays when that thread is the busier
 * one (HTTP ingest: at most 32 proposals waited here, and encoding in the worker gave 1,582–1,640
 * against 1,396–1,538 reports/s); posting the bytes back costs more than encoding them where the
 * block is committed, which pays when the worker is the busier one (ingest through the port with
 * 256 in flight: 129–256 waited, and leaving the encoding to the committing thread gave 4,017–4,152
 * against 3,531–3,804 reports/s, with less CPU per report).
 */
export const ENCODE_BELOW_BACKLOG = 64;

/** A worker's answer: ready after start, then one simulation (or a failure to run it) per request. */
export type WorkerReply =
  | { readonly ready: true }
  | { readonly startError: string }
  | { readonly id: number; readonly simulation: Simulation }
  | { readonly id: number; readonly error: string };

/** How to start the workers. */
export interface WorkerEndorserOptions {
  /** The ledger file the workers read; another connection writes it. */
  readonly databaseFile: string;
  /** How many worker threads (at least 1). */
  readonly workers: number;
  /** The channel the chaincode runs on. */
  readonly channel: string;
  /** The MSP of the endorsing peer. */
  readonly peerMspId: string;
  /** The compiled worker script; defaults to `simulation.worker.js` beside this module. */
  readonly script?: string;
}

interface Pending {
  readonly resolve: (simulation: Simulation) => void;
  readonly reject: (error: Error) => void;
}

/** The structured clone turns every Buffer into a plain Uint8Array; the peer works with Buffers. */
function buffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function revive(simulation: Simulation): Simulation {
  const { payload, event, writeSet } = simulation;
  return {
    ...simulation,
    payload: buffer(payload),
    ...(event === undefined ? {} : { event: { eventName: event.eventName, payload: buffer(event.payload) } }),
    writeSet: {
      writes: writeSet.writes.map((write) => ({ ...write, value: buffer(write.value) })),
      metadataWrites: writeSet.metadataWrites.map((write) => ({
        key: write.key,
        metadata: Object.fromEntries(
          Object.entries(write.metadata).map(([metakey, value]) => [metakey, buffer(value)]),
        ),
      })),
    },
  };
}

/** One worker thread and the proposals it has not answered yet. */
class WorkerSlot {
  readonly pending = new Map<number, Pending>();
  readonly ready: Promise<void>;
  /** Set when the thread has exited or failed; the slot is then replaced on next use. */
  dead = false;
  readonly #worker: Worker;

  constructor(script: string, settings: Omit<WorkerEndorserOptions, 'workers' | 'script'>) {
    this.#worker = new Worker(script, { workerData: settings });
    this.ready = new Promise<void>((resolve, reject) => {
      this.#worker.on('message', (reply: WorkerReply) => {
        if ('ready' in reply) {
          resolve();
        } else if ('startError' in reply) {
          const error = new Error(`the simulation worker could not start: ${reply.startError}`);
          reject(error);
          this.#fail(error);
          void this.#worker.terminate();
        } else {
          this.#settle(reply);
        }
      });
      this.#worker.on('error', (error: Error) => {
        reject(error);
        this.#fail(error);
      });
      this.#worker.on('exit', (code) => {
        const error = new Error(`the simulation worker exited with code ${String(code)}`);
        reject(error);
        this.#fail(error);
      });
    });
    // A start failure is reported through `ready` to whoever awaits it; never as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  send(id: number, proposal: Proposal, pending: Pending): void {
    this.pending.set(id, pending);
    const request: WorkerRequest = { id, proposal, encode: this.pending.size <= ENCODE_BELOW_BACKLOG };
    this.#worker.postMessage(request);
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.#worker.terminate();
  }

  #settle(reply: Extract<WorkerReply, { id: number }>): void {
    const pending = this.pending.get(reply.id);
    if (pending === undefined) {
      return;
    }
    this.pending.delete(reply.id);
    if ('error' in reply) {
      pending.reject(new EndorserUnavailableError(`the simulation worker failed: ${reply.error}`));
    } else {
      pending.resolve(revive(reply.simulation));
    }
  }

  #fail(cause: Error): void {
    this.dead = true;
    for (const pending of this.pending.values()) {
      pending.reject(new EndorserUnavailableError('the simulation worker stopped', cause));
    }
    this.pending.clear();
  }
}

/**
 * An {@link Endorser} over worker threads; each proposal goes to the worker with the fewest
 * unanswered ones. A worker that dies fails its unanswered proposals with
 * {@link EndorserUnavailableError} and is replaced at the next proposal.
 *
 * @example
 * const endorser = await WorkerEndorser.start({ databaseFile, workers: 1, channel, peerMspId });
 * const peer = new PeerSimulator(contracts, { channel, chaincodeName, store, endorser });
 * // … later
 * await endorser.close();
 */
export class WorkerEndorser implements Endorser {
  readonly #options: WorkerEndorserOptions;
  readonly #script: string;
  readonly #slots: WorkerSlot[];
  #nextId = 0;
  #closed: Promise<void> | undefined;

  private constructor(options: WorkerEndorserOptions, script: string, slots: WorkerSlot[]) {
    this.#options = options;
    this.#script = script;
    this.#slots = slots;
  }

  /**
   * Starts the workers and waits until each has opened the ledger file.
   *
   * @throws RangeError when `workers` is not a positive integer.
   * @throws when a worker cannot start (no compiled script, no ledger file).
   */
  static async start(options: WorkerEndorserOptions): Promise<WorkerEndorser> {
    if (!Number.isSafeInteger(options.workers) || options.workers < 1) {
      throw new RangeError(`workers must be a positive integer, not ${String(options.workers)}`);
    }
    const script = options.script ?? path.join(__dirname, 'simulation.worker.js');
    const slots = Array.from({ length: options.workers }, () => WorkerEndorser.#spawn(script, options));
    try {
      await Promise.all(slots.map((slot) => slot.ready));
    } catch (error: unknown) {
      await Promise.all(slots.map((slot) => slot.terminate()));
      throw error;
    }
    return new WorkerEndorser(options, script, slots);
  }

  static #spawn(script: string, options: WorkerEndorserOptions): WorkerSlot {
    return new WorkerSlot(script, {
      databaseFile: options.databaseFile,
      channel: options.channel,
      peerMspId: options.peerMspId,
    });
  }

  /** {@inheritDoc Endorser.simulate} */
  simulate(proposal: Proposal): Promise<Simulation> {
    if (this.#closed !== undefined) {
      return Promise.reject(new EndorserUnavailableError('the simulation workers are closed'));
    }
    const slot = this.#leastBusy();
    const id = this.#nextId++;
    return new Promise<Simulation>((resolve, reject) => {
      slot.send(id, proposal, { resolve, reject });
    });
  }

  /** {@inheritDoc Endorser.close} */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.terminate()));
  }

  #leastBusy(): WorkerSlot {
    let best = 0;
    for (let index = 0; index < this.#slots.length; index++) {
      if (this.#slots[index]?.dead === true) {
        this.#slots[index] = WorkerEndorser.#spawn(this.#script, this.#options);
      }
      const size = this.#slots[index]?.pending.size ?? Infinity;
      if (size < (this.#slots[best]?.pending.size ?? Infinity)) {
        best = index;
      }
    }
    const slot = this.#slots[best];
    if (slot === undefined) {
      throw new RangeError('no simulation worker');
    }
    return slot;
  }
}
