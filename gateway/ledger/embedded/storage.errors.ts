/**
 * Failures of the embedded ledger's storage (the SQLite file), as opposed to failures of a
 * transaction. The ledger adapter turns them into `LedgerUnavailableError` at the port.
 */

/**
 * Why the ledger file cannot be used:
 * - `missing`: there is no ledger file where one was expected;
 * - `schema`: the file is not a ledger of a schema version this code understands;
 * - `concurrent-writer`: another connection appended blocks behind this one's back (one writer per file);
 * - `closed`: the store was closed.
 */
export type LedgerStorageFailure = 'missing' | 'schema' | 'concurrent-writer' | 'closed';

/** The ledger file cannot be opened or written as asked; nothing was changed by the failed call. */
export class LedgerStorageError extends Error {
  /**
   * @param message - what happened, naming the file.
   * @param reason - the kind of failure.
   * @param cause - the underlying error, when there is one.
   */
  constructor(
    message: string,
    readonly reason: LedgerStorageFailure,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'LedgerStorageError';
  }
}
