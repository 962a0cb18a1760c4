/**
 * An in-memory {@link ReadModelQueries} for the API tests: the test puts views in, the API reads
 * them out through the same filters and paging a real read model offers.
 */
import type {
  DeviationFilter,
  DeviationView,
  Page,
  PageRequest,
  ReadModelQueries,
  StatsView,
  TaskFilter,
  TaskView,
} from '../../../gateway/read-model/read-model.port';

function pageOf<T>(all: readonly T[], page: PageRequest): Page<T> {
  const start = page.cursor === undefined ? 0 : Number(page.cursor);
  const items = all.slice(start, start + page.limit);
  const end = start + items.length;
  return end < all.length ? { items, next: String(end) } : { items };
}

export class MemoryReadModel implements ReadModelQueries {
  readonly deviationViews: DeviationView[] = [];
  readonly taskViews: TaskView[] = [];
  statsView: StatsView = {
    batches: 0,
    failures: 0,
    failRate: 0,
    selfTests: 0,
    deviations: { critical: 0, high: 0, warning: 0, info: 0 },
    tasks: { open: 0, total: 0 },
    locks: { locked: 0, recalled: 0 },
  };
  processed = 0;
  /** The last deviation query the API made. */
  lastDeviationQuery: { filter: DeviationFilter; page: PageRequest } | undefined;
  /** When set, stats() throws it (a fault inside the gateway). */
  statsFault: Error | undefined;

  constructor(private readonly blocks: (txId: string) => number | undefined = () => undefined) {}

  deviations(filter: DeviationFilter, page: PageRequest): Page<DeviationView> {
    this.lastDeviationQuery = { filter, page };
    const matching = this.deviationViews.filter(
      (d) =>
        (filter.companyId === undefined || d.companyId === filter.companyId) &&
        (filter.productCode === undefined || d.productCode === filter.productCode) &&
        (filter.itemCode === undefined || d.itemCode === filter.itemCode) &&
        (filter.severity === undefined || d.severity === filter.severity),
    );
    return pageOf(matching, page);
  }

  tasks(filter: TaskFilter, page: PageRequest): Page<TaskView> {
    const matching = this.taskViews.filter(
      (t) =>
        (filter.companyId === undefined || t.companyId === filter.companyId) &&
        (filter.status === undefined || t.status === filter.status),
    );
    return pageOf(matching, page);
  }

  task(id: string): TaskView | undefined {
    return this.taskViews.find((t) => t.id === id);
  }

  stats(): StatsView {
    if (this.statsFault) throw this.statsFault;
    return this.statsView;
  }

  processedHeight(): number {
    return this.processed;
  }

  blockOf(txId: string): number | undefined {
    return this.blocks(txId);
  }
}
