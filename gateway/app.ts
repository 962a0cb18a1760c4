import express from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

import type { ApiRoute } from './http/api.route';
import { mountRoutes, routePatternOf } from './http/api.route';
import { batchRoutes } from './http/batches.routes';
import { catalogueRoutes } from './http/catalogue.routes';
import { codeRoutes } from './http/codes.routes';
import { deviationRoutes } from './http/deviations.routes';
import { docsRoutes, swaggerAssets } from './http/docs.routes';
import { errorHandler, notFoundHandler } from './http/error.handler';
import { LedgerClient } from './http/ledger.client';
import { createHttpMetrics, requestTimer } from './http/metrics';
import { buildOpenApiDocument, type OpenApiDocument } from './http/openapi';
import { partyRoutes } from './http/parties.routes';
import { recallRoutes } from './http/recalls.routes';
import { reportRoutes } from './http/reports.routes';
import { requestLogger } from './http/request.logging';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './ledger/retry.policy';
import type { RouteContext } from './http/route.context';
import { statusRoutes } from './http/status.routes';
import { taskRoutes } from './http/tasks.routes';
import type { Authenticator, Principal } from './identity/principal';
import type { LedgerPort } from './ledger/ledger.port';
import type { ReadModelQueries } from './read-model/read-model.port';

/**
 * The composition root of the HTTP API (DESIGN §7): builds the Express app from injected parts
 * and does not listen. `gateway/main.ts` wires config, logger, ledger and jobs around it.
 */

/** What the app is built from. */
export interface AppDeps {
  readonly ledger: LedgerPort;
  readonly auth: Authenticator;
  readonly readModel: ReadModelQueries;
  readonly logger: Logger;
  /** The gateway's own regulator identity, used for public reads such as the resolver. */
  readonly system: Principal;
  /** Where the resolver is reached from outside (e.g. `http://127.0.0.1:8080`); QR codes point there. */
  readonly resolverBase: string;
  /** Where metrics are registered; a fresh registry when absent. */
  readonly metrics?: Registry;
  /** Backoff for transient ledger failures; {@link DEFAULT_RETRY_POLICY} when absent. */
  readonly retry?: RetryPolicy;
  /** The largest JSON body accepted (body-parser syntax); `256kb` when absent. */
  readonly bodyLimit?: string;
  /** The API version shown in the OpenAPI document. */
  readonly version?: string;
}

/**
 * Builds the gateway's Express app: request logging and metrics, JSON bodies, every route of
 * DESIGN §7 with its OpenAPI description and Swagger UI, and the one error handler.
 *
 * @example
 * const app = createApp({ ledger, auth, readModel, logger, system, resolverBase: 'http://127.0.0.1:8080' });
 * const server = app.listen(8080, '127.0.0.1');
 */
export function createApp(deps: AppDeps): express.Express {
  const metrics = createHttpMetrics(deps.metrics);
  const ctx: RouteContext = {
    ledger: new LedgerClient(deps.ledger, deps.retry ?? DEFAULT_RETRY_POLICY, metrics),
    readModel: deps.readModel,
    system: deps.system,
    resolverBase: deps.resolverBase,
  };
  let document: OpenApiDocument | undefined;
  const routes: ApiRoute[] = [
    ...partyRoutes(ctx),
    ...reportRoutes(ctx),
    ...catalogueRoutes(),
    ...deviationRoutes(ctx),
    ...taskRoutes(ctx),
    ...batchRoutes(ctx),
    ...recallRoutes(ctx),
    ...codeRoutes(ctx),
    ...statusRoutes(ctx, metrics),
  ];
  routes.push(...docsRoutes(() => (document ??= buildOpenApiDocument(routes, deps.version ?? '1.0.0'))));

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogger(deps.logger.child({ module: 'http' })));
  app.use(requestTimer(metrics, routePatternOf));
  app.use(
    express.json({ limit: deps.bodyLimit ?? '256kb', type: ['application/json', 'application/*+json'] }),
  );
  mountRoutes(app, routes, deps.auth);
  app.use('/docs', swaggerAssets());
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}
