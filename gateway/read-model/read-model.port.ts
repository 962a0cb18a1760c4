import type { DeviationMetrics, DeviationRule, Severity } from '../../src/rules/deviation.rules';
import type { SamplingTaskRecord, TaskStatus } from '../../src/records/ledger.records';

/**
 * The queries the API answers from the read model: derived data the event consumer keeps in its
 * own tables, rebuildable from the ledger at any time.
 */

/** An action the gateway took because of a deviation or a failed result. */
export interface ActionView {
  readonly type: 'lock' | 'sampling-task' | 'code-info';
  /** The deterministic id of the effect (lock action id, task id, batch key). */
  readonly id: string;
  readonly txId?: string;
  readonly at: string;
}

/** A current deviation, as `GET /v1/deviations` lists it. */
export interface DeviationView {
  readonly id: string;
  readonly companyId: string;
  readonly productCode: string;
  readonly itemCode: string;
  readonly batchNo: string;
  readonly severity: Severity;
  readonly rule: DeviationRule;
  readonly metrics: DeviationMetrics;
  readonly selfTestId: string;
  readonly officialResultId: string;
  readonly revision: number;
  readonly txId: string;
  readonly actions: readonly ActionView[];
}

/** A targeted sampling task, as `GET /v1/sampling-tasks` lists it: the ledger record's list fields. */
export type TaskView = Pick<
  SamplingTaskRecord,
  'id' | 'companyId' | 'productCode' | 'itemCodes' | 'reason' | 'status' | 'inspectors' | 'seed' | 'txId'
>;

/** The figures of `GET /v1/stats`. */
export interface StatsView {
  /** Official sample batches (results) recorded. */
  readonly batches: number;
  /** Official results with at least one failed item. */
  readonly failures: number;
  /** failures / batches, 0 when there are none. */
  readonly failRate: number;
  readonly selfTests: number;
  readonly deviations: Readonly<Record<Severity, number>>;
  readonly tasks: { readonly open: number; readonly total: number };
  readonly locks: { readonly locked: number; readonly recalled: number };
}

/** One page of a list. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque cursor of the next page, absent on the last. */
  readonly next?: string;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

export interface DeviationFilter {
  readonly companyId?: string;
  readonly productCode?: string;
  readonly itemCode?: string;
  readonly severity?: Severity;
}

export interface TaskFilter {
  readonly companyId?: string;
  readonly status?: TaskStatus;
}

/** What the API reads from the read model. */
export interface ReadModelQueries {
  deviations(filter: DeviationFilter, page: PageRequest): Page<DeviationView>;
  tasks(filter: TaskFilter, page: PageRequest): Page<TaskView>;
  task(id: string): TaskView | undefined;
  stats(): StatsView;
  /** The next block the consumer has not processed: equals the ledger height when caught up. */
  processedHeight(): number;
  /**
   * The block that committed a transaction, when the read model has seen it; the API shows it in
   * a record's ledger anchor (`null` when unknown).
   */
  blockOf?(txId: string): number | undefined;
}
