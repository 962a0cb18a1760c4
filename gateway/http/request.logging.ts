import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { pino, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';

import { REDACTED_PATHS } from '../logging/logger';

/**
 * Request logs (DESIGN §8): one structured line per request with its request id. The request is
 * logged by named fields, never by its headers, and a static redaction list guards whatever else
 * is logged, so that tokens, cookies, keys and certificates never reach a log.
 */

/** Incoming request ids are honoured when they look like ids, so that they cannot forge log lines. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id: the caller's `X-Request-Id` when it is a plain id, else a fresh UUID. Echoed back. */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** What a request log line says of the request; the raw request carries pino-http's id. */
interface LoggedRequest {
  readonly id: unknown;
  readonly method?: string;
  readonly url?: string;
  readonly remoteAddress?: string;
  readonly userAgent?: string;
}

/**
 * The request as its log line shows it: named fields only, no header but the user agent, so that
 * no credential can reach a log whatever a client sends (the redaction list stays as a second
 * guard). pino-http binds this to a child logger for every request; pino's standard serializer
 * copied the whole header map, query and route parameters, and redacting them at every depth
 * took more CPU than the rest of the request log (`bench/README.md`).
 */
export function loggedRequest(
  req: IncomingMessage & { readonly id?: unknown; readonly originalUrl?: string },
): LoggedRequest {
  const userAgent = req.headers['user-agent'];
  return {
    id: req.id,
    method: req.method,
    url: req.originalUrl ?? req.url,
    remoteAddress: req.socket.remoteAddress,
    ...(userAgent === undefined ? {} : { userAgent }),
  };
}

/** The response as its log line shows it: the status (the duration is pino-http's `responseTime`). */
export function loggedResponse(res: ServerResponse): { readonly statusCode: number } {
  return { statusCode: res.statusCode };
}

function levelOf(_req: IncomingMessage, res: ServerResponse, error?: Error): 'error' | 'warn' | 'info' {
  if (error !== undefined || res.statusCode >= 500) return 'error';
  return res.statusCode >= 400 ? 'warn' : 'info';
}

/**
 * The pino-http middleware over a child of `logger` that redacts {@link REDACTED_PATHS}, whatever
 * logger it is given.
 *
 * @example
 * app.use(requestLogger(logger.child({ module: 'http' })));
 */
export function requestLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger: logger.child({}, { redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } }),
    genReqId: requestIdOf,
    wrapSerializers: false,
    serializers: { req: loggedRequest, res: loggedResponse, err: pino.stdSerializers.err },
    customLogLevel: levelOf,
    customSuccessMessage: (req, res) => `${req.method ?? ''} ${req.url ?? ''} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method ?? ''} ${req.url ?? ''} ${res.statusCode}`,
  });
}
