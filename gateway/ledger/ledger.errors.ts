import type { FieldIssue } from '../../src/errors/domain.error';

/**
 * What can go wrong behind the {@link LedgerPort}, in three kinds the API maps to statuses:
 * the contract refused (its domain code decides 400/403/404/409), a transient failure worth
 * retrying, and a ledger that cannot be reached (503).
 */

/** The kinds of domain error the chaincode reports (`DomainError.kind`). */
export type ContractErrorKind =
  'invalid' | 'forbidden' | 'not-found' | 'conflict' | 'unauthenticated' | 'unknown';

/** The contract refused the call; nothing was written. */
export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: ContractErrorKind,
    readonly details: readonly FieldIssue[] = [],
    readonly transactionId?: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }

  /**
   * Reads the domain error JSON a refusal message carries (`{"code":…,"kind":…}`); a message
   * without one becomes `CHAINCODE.ERROR` of kind `unknown`.
   */
  static fromMessage(message: string, transactionId?: string): ContractError {
    const start = message.indexOf('{"');
    if (start >= 0) {
      try {
        const parsed = JSON.parse(message.slice(start, message.lastIndexOf('}') + 1)) as Partial<{
          code: string;
          message: string;
          kind: ContractErrorKind;
          details: FieldIssue[];
        }>;
        if (typeof parsed.code === 'string' && typeof parsed.message === 'string') {
          return new ContractError(
            parsed.code,
            parsed.message,
            parsed.kind ?? 'unknown',
            parsed.details ?? [],
            transactionId,
          );
        }
      } catch {
        // not JSON after all: fall through
      }
    }
    return new ContractError('CHAINCODE.ERROR', message, 'unknown', [], transactionId);
  }
}

/** An MVCC conflict or a peer that did not answer in time: the same call may succeed if retried. */
export class TransientLedgerError extends Error {
  constructor(
    message: string,
    readonly reason: 'mvcc-conflict' | 'unavailable' | 'timeout',
    readonly transactionId?: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'TransientLedgerError';
  }
}

/** The ledger stayed unreachable through every retry: the API answers 503 with a retry hint. */
export class LedgerUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'LedgerUnavailableError';
  }
}
