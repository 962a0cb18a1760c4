/**
 * The only way the gateway reaches a ledger (DESIGN §4, "Two ledgers behind one port"). Two
 * adapters implement it: the embedded ledger (the contract in-process over SQLite) and Fabric
 * (`@hyperledger/fabric-gateway` over gRPC). Everything above this port — HTTP, the event
 * consumer, the jobs — is the same for both.
 */

/** Who a call is made as: an X.509 identity of an MSP, as a Fabric wallet holds it. */
export interface LedgerIdentity {
  /** A name for logs (never the key). */
  readonly label: string;
  readonly mspId: string;
  /** PEM certificate; its attribute extension carries `role` and `companyId`. */
  readonly certificate: string;
  /** PEM private key (Fabric signs with it; the embedded ledger needs only the certificate). */
  readonly privateKey?: string;
}

/** A committed transaction. */
export interface SubmitOutcome {
  readonly txId: string;
  readonly blockNumber: number;
  /** The contract's return value (JSON text for this chaincode). */
  readonly payload: Buffer;
}

/** A chaincode event of a valid, committed transaction. */
export interface LedgerEvent {
  readonly blockNumber: number;
  readonly txIndex: number;
  readonly txId: string;
  readonly eventName: string;
  readonly payload: Buffer;
}

/**
 * The chaincode events of one committed block, delivered in block order. Blocks without events
 * are delivered too, so that a consumer can say how far it has read.
 */
export interface LedgerBlockEvents {
  readonly blockNumber: number;
  readonly events: readonly LedgerEvent[];
}

/** Where a consumer stands: the next block it has not yet processed. */
export interface EventCheckpoint {
  readonly nextBlock: number;
}

/** A ledger: submit, evaluate, and committed events from a checkpoint. */
export interface LedgerPort {
  /** `embedded` or `fabric`, for `/v1/status`. */
  readonly kind: 'embedded' | 'fabric';

  /**
   * Endorses, orders and commits one transaction and resolves once it is committed.
   * @throws {ContractError} when the contract refuses (carries the domain error code).
   * @throws {TransientLedgerError} for an MVCC conflict or an unreachable peer (retryable).
   * @throws {LedgerUnavailableError} when the ledger cannot be reached at all.
   */
  submit(identity: LedgerIdentity, fcn: string, args: readonly string[]): Promise<SubmitOutcome>;

  /**
   * Runs a query against committed state.
   * @throws {ContractError} | {TransientLedgerError} | {LedgerUnavailableError}
   */
  evaluate(identity: LedgerIdentity, fcn: string, args: readonly string[]): Promise<Buffer>;

  /** The number of committed blocks. */
  height(): Promise<number>;

  /**
   * Committed blocks' events from `from.nextBlock` on, in order; after the last committed block it
   * waits for new ones until `signal` aborts, then ends.
   */
  blocks(from: EventCheckpoint, signal: AbortSignal): AsyncIterable<LedgerBlockEvents>;

  /** Releases connections and files. */
  close(): Promise<void>;
}
