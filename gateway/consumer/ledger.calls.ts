import type { LedgerIdentity, LedgerPort, SubmitOutcome } from '../ledger/ledger.port';
import { DEFAULT_RETRY_POLICY, withRetry } from '../ledger/retry.policy';

/** JSON-speaking helpers over the ledger port for the consumer's own calls. */
export class LedgerCalls {
  constructor(
    private readonly ledger: LedgerPort,
    private readonly identity: LedgerIdentity,
  ) {}

  /** Evaluates and parses the JSON result as the record type the caller names (trusted ledger output). */
  async query<T>(fcn: string, ...args: string[]): Promise<T> {
    const payload = await withRetry(
      () => this.ledger.evaluate(this.identity, fcn, args),
      DEFAULT_RETRY_POLICY,
    );
    return JSON.parse(payload.toString('utf8')) as T;
  }

  /** Submits a JSON payload (retrying transient failures) and parses the `{ record, changed }` result. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the record type
  async submit<T>(
    fcn: string,
    payload: unknown,
  ): Promise<{ outcome: SubmitOutcome; result: { record: T; changed: boolean } }> {
    const outcome = await withRetry(
      () => this.ledger.submit(this.identity, fcn, [JSON.stringify(payload)]),
      DEFAULT_RETRY_POLICY,
    );
    return {
      outcome,
      result: JSON.parse(outcome.payload.toString('utf8')) as { record: T; changed: boolean },
    };
  }
}
