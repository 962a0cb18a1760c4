import type { Anchor } from '../../src/records/ledger.records';
import { ContractError, LedgerUnavailableError, TransientLedgerError } from '../ledger/ledger.errors';
import type { LedgerIdentity, LedgerPort } from '../ledger/ledger.port';
import type { HttpMetrics, SubmitOutcomeLabel } from './metrics';
import { withRetry, type RetryPolicy } from '../ledger/retry.policy';

/**
 * The HTTP layer's view of the {@link LedgerPort}: JSON in and out, transient failures retried
 * with backoff, and every submit counted. Calls always go out under the caller's own ledger
 * identity, so the chaincode applies its own access rules whatever the API checked.
 */

/** A record as the chaincode stores it: whatever else it holds, it carries its anchor. */
export interface AnchoredRecord {
  readonly anchor: Anchor;
}

/** A committed write. */
export interface WriteOutcome<T extends AnchoredRecord> {
  /** The record as it now stands on the ledger. */
  readonly record: T;
  /** False when the call was a harmless replay that changed nothing. */
  readonly changed: boolean;
  /** The transaction that wrote the record: this one, or for a replay the one that stored it. */
  readonly txId: string;
  /** The transaction this call committed (a replay commits one too, writing nothing). */
  readonly committedTxId: string;
  readonly blockNumber: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isAnchored(value: unknown): value is AnchoredRecord {
  return isObject(value) && isObject(value.anchor) && typeof value.anchor.txId === 'string';
}

function parseJson(payload: Buffer, fcn: string): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch (error: unknown) {
    throw new Error(`${fcn} returned a payload that is not JSON`, { cause: error });
  }
}

function outcomeOf(error: unknown): SubmitOutcomeLabel {
  if (error instanceof ContractError) return 'refused';
  if (error instanceof TransientLedgerError) return 'transient';
  if (error instanceof LedgerUnavailableError) return 'unavailable';
  return 'failed';
}

/** Submits and evaluates chaincode transactions for the routes. */
export class LedgerClient {
  constructor(
    private readonly ledger: LedgerPort,
    private readonly retry: RetryPolicy,
    private readonly metrics: HttpMetrics,
  ) {}

  /**
   * Submits a write transaction whose one argument is `payload` as JSON, retrying transient
   * failures, and reads the contract's `{ record, changed }` answer.
   *
   * @throws {ContractError} when the contract refuses.
   * @throws {TransientLedgerError} when the transaction still conflicts after the retries.
   * @throws {LedgerUnavailableError} when the ledger cannot be reached.
   */
  async write<T extends AnchoredRecord>(
    identity: LedgerIdentity,
    fcn: string,
    payload: unknown,
  ): Promise<WriteOutcome<T>> {
    const args = [JSON.stringify(payload)];
    try {
      const outcome = await withRetry(
        () => this.ledger.submit(identity, fcn, args),
        this.retry,
        () => {
          this.metrics.countSubmit(fcn, 'retried');
        },
      );
      const answer = parseJson(outcome.payload, fcn);
      if (!isObject(answer) || typeof answer.changed !== 'boolean' || !isAnchored(answer.record)) {
        throw new Error(`${fcn} returned no { record, changed } answer`);
      }
      const record = answer.record as T;
      this.metrics.countSubmit(fcn, answer.changed ? 'committed' : 'unchanged');
      return {
        record,
        changed: answer.changed,
        txId: answer.changed ? outcome.txId : record.anchor.txId,
        committedTxId: outcome.txId,
        blockNumber: outcome.blockNumber,
      };
    } catch (error: unknown) {
      this.metrics.countSubmit(fcn, outcomeOf(error));
      throw error;
    }
  }

  /**
   * Evaluates a query transaction and parses its JSON answer. Reads are retried like writes.
   *
   * @throws {ContractError} | {TransientLedgerError} | {LedgerUnavailableError}
   */
  async read<T>(identity: LedgerIdentity, fcn: string, ...args: string[]): Promise<T> {
    const payload = await withRetry(() => this.ledger.evaluate(identity, fcn, args), this.retry);
    return parseJson(payload, fcn) as T;
  }

  /** The number of committed blocks. */
  height(): Promise<number> {
    return this.ledger.height();
  }

  /** `embedded` or `fabric`. */
  get kind(): LedgerPort['kind'] {
    return this.ledger.kind;
  }
}
