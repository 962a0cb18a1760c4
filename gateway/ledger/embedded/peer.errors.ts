/**
 * Failures of the embedded peer, one class per kind, shaped like fabric-gateway's errors
 * (`EndorseError`, `CommitError`) so that a ledger adapter can map both ledgers the same way.
 */
import type { ValidationCode } from './ledger.records';

/** One peer's account of a failure (fabric-gateway's `ErrorDetail`). */
export interface ErrorDetail {
  /** Where the failure happened; `embedded` for the in-process peer. */
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

/** Base class of the embedded peer's transaction failures. */
export abstract class PeerTransactionError extends Error {
  /**
   * @param message - what happened.
   * @param transactionId - the id of the failed transaction.
   * @param details - the peer's own account of the failure.
   */
  constructor(
    message: string,
    readonly transactionId: string,
    readonly details: readonly ErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The contract refused the proposal (it threw, the function is unknown, the arguments did not fit),
 * so nothing was endorsed, written or emitted. Retrying the same call gives the same answer.
 */
export class EndorseError extends PeerTransactionError {
  /**
   * @param transactionId - the id of the failed proposal.
   * @param status - the chaincode response status (500).
   * @param chaincodeMessage - the contract's error message, verbatim.
   * @param details - the peer's account, carrying the same message.
   */
  constructor(
    transactionId: string,
    readonly status: number,
    readonly chaincodeMessage: string,
    details: readonly ErrorDetail[],
  ) {
    super(chaincodeMessage, transactionId, details);
  }
}

/** Validation codes after which submitting the same call again (as a new transaction) can succeed. */
const RETRYABLE_CODES: ReadonlySet<ValidationCode> = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

/**
 * The transaction was endorsed and ordered but invalidated at commit, so none of its writes apply
 * and it emits no event.
 */
export class CommitError extends PeerTransactionError {
  /** Whether a fresh simulation of the same call may succeed (read conflicts are transient). */
  readonly retryable: boolean;

  /**
   * @param transactionId - the id of the invalidated transaction.
   * @param code - why validation refused it.
   * @param blockNumber - the block that records it as invalid.
   * @param details - the peer's account.
   */
  constructor(
    transactionId: string,
    readonly code: ValidationCode,
    readonly blockNumber: number,
    details: readonly ErrorDetail[],
  ) {
    super(`transaction ${transactionId} failed to commit with status code ${code}`, transactionId, details);
    this.retryable = RETRYABLE_CODES.has(code);
  }
}
