import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The gateway's Prometheus metrics (`GET /metrics`): the default process metrics, the duration of
 * every HTTP request by route pattern, method and status, the ledger submits by transaction
 * function and outcome, and at each scrape the ledger's height and how far the event consumer
 * has processed it (their difference is the consumer's lag, the figure to alert on).
 */

/** How a ledger submit ended, as counted by `gateway_ledger_submits_total`. */
export type SubmitOutcomeLabel =
  'committed' | 'unchanged' | 'retried' | 'refused' | 'transient' | 'unavailable' | 'failed';

/** The metrics the HTTP layer records. */
export interface HttpMetrics {
  readonly registry: Registry;
  /** Records one finished HTTP request. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** Counts one ledger submit (or one retry of it). */
  countSubmit(fcn: string, outcome: SubmitOutcomeLabel): void;
  /**
   * Records, for a scrape, the ledger's height (undefined when the ledger did not answer) and the
   * height the event consumer has processed.
   */
  observeHeights(height: number | undefined, processedHeight: number): void;
}

const DEFAULT_METRIC_PROBE = 'process_cpu_user_seconds_total';
const HISTOGRAM = 'gateway_http_request_duration_seconds';
const COUNTER = 'gateway_ledger_submits_total';
const LEDGER_UP = 'gateway_ledger_up';
const LEDGER_HEIGHT = 'gateway_ledger_height';
const PROCESSED_HEIGHT = 'gateway_consumer_processed_height';

function gauge(registry: Registry, name: string, help: string): Gauge {
  return reuse(registry, name, Gauge) ?? new Gauge({ name, help, registers: [registry] });
}

/** The metric of that name already on the registry (a second app on a shared registry), if any. */
function reuse<T>(
  registry: Registry,
  name: string,
  kind: abstract new (...args: never[]) => T,
): T | undefined {
  const existing = registry.getSingleMetric(name);
  return existing instanceof kind ? existing : undefined;
}

/**
 * Registers the gateway's metrics on `registry` (a fresh one when absent). The default process
 * metrics are added once per registry, so a registry shared with other parts of the service may
 * already hold them.
 *
 * @example
 * const metrics = createHttpMetrics(new Registry());
 * metrics.countSubmit('SubmitSelfTest', 'committed');
 */
export function createHttpMetrics(registry: Registry = new Registry()): HttpMetrics {
  if (registry.getSingleMetric(DEFAULT_METRIC_PROBE) === undefined)
    collectDefaultMetrics({ register: registry });
  const duration =
    reuse(registry, HISTOGRAM, Histogram) ??
    new Histogram({
      name: HISTOGRAM,
      help: 'Duration of HTTP requests by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  const submits =
    reuse(registry, COUNTER, Counter) ??
    new Counter({
      name: COUNTER,
      help: 'Ledger submits by transaction function and outcome',
      labelNames: ['fcn', 'outcome'],
      registers: [registry],
    });
  const ledgerUp = gauge(registry, LEDGER_UP, '1 when the ledger answered its height at this scrape, else 0');
  const ledgerHeight = gauge(
    registry,
    LEDGER_HEIGHT,
    'Blocks committed on the ledger, as of the last answer',
  );
  const processedHeight = gauge(
    registry,
    PROCESSED_HEIGHT,
    'Blocks the event consumer has processed into the read model',
  );
  return {
    registry,
    observeHeights(height, processed) {
      ledgerUp.set(height === undefined ? 0 : 1);
      if (height !== undefined) ledgerHeight.set(height);
      processedHeight.set(processed);
    },
    observeRequest(route, method, status, seconds) {
      duration.observe({ route, method, status: String(status) }, seconds);
    },
    countSubmit(fcn, outcome) {
      submits.inc({ fcn, outcome });
    },
  };
}

/**
 * Middleware timing each request until its response is finished, labelled with the route pattern
 * `routeOf` returns (`unmatched` for paths no route serves, so that scans cannot explode the
 * label set).
 */
export function requestTimer(
  metrics: HttpMetrics,
  routeOf: (req: Request) => string | undefined,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeRequest(routeOf(req) ?? 'unmatched', req.method, res.statusCode, seconds);
    });
    next();
  };
}
