import type { HttpMetrics } from './metrics';
import { jsonReply, type ApiRoute } from './api.route';
import { healthViewSchema, statsViewSchema, statusViewSchema } from './api.schemas';
import type { RouteContext } from './route.context';

/**
 * How the service is doing: liveness, how far the read model has caught up with the ledger,
 * the programme's figures, and Prometheus metrics.
 */

/** The status routes of DESIGN §7. */
export function statusRoutes(ctx: RouteContext, metrics: HttpMetrics): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/v1/status',
      tag: 'status',
      access: 'public',
      summary: 'Ledger kind, ledger height and how far the read model has processed',
      description: 'The event consumer has caught up when height equals processedHeight.',
      responses: { 200: { description: 'the status', schema: statusViewSchema } },
      errors: [503],
      handle: async () =>
        jsonReply(200, {
          ledger: ctx.ledger.kind,
          height: await ctx.ledger.height(),
          processedHeight: ctx.readModel.processedHeight(),
        }),
    },
    {
      method: 'get',
      path: '/v1/stats',
      tag: 'status',
      access: { roles: ['regulator'] },
      summary: 'Batches, failures, fail rate, self-tests, deviations by severity, tasks, locks',
      responses: { 200: { description: 'the figures', schema: statsViewSchema } },
      errors: [403],
      handle: () => jsonReply(200, ctx.readModel.stats()),
    },
    {
      method: 'get',
      path: '/healthz',
      tag: 'status',
      access: 'public',
      summary: 'Liveness',
      responses: { 200: { description: 'the process serves requests', schema: healthViewSchema } },
      errors: [],
      handle: () => jsonReply(200, { status: 'ok' }),
    },
    {
      method: 'get',
      path: '/metrics',
      tag: 'status',
      access: 'public',
      summary: 'Prometheus metrics',
      description:
        'Process metrics, request durations, ledger submits, and the ledger height against the height the event consumer has processed (gateway_ledger_height − gateway_consumer_processed_height is its lag). A scrape succeeds while the ledger is down: gateway_ledger_up says so.',
      responses: { 200: { description: 'text exposition format', contentType: 'text/plain' } },
      errors: [],
      handle: async () => {
        const height = await ctx.ledger.height().catch(() => undefined);
        metrics.observeHeights(height, ctx.readModel.processedHeight());
        return {
          status: 200,
          contentType: metrics.registry.contentType,
          raw: await metrics.registry.metrics(),
        };
      },
    },
  ];
}
