import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';

import { REDACTED_PATHS } from '../logging/logger';

/**
 * Request logs (DESIGN §8): one structured line per request with its request id, and a static
 * redaction list so that tokens, cookies, keys and certificates never reach a log.
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
    customLogLevel: levelOf,
    customSuccessMessage: (req, res) => `${req.method ?? ''} ${req.url ?? ''} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method ?? ''} ${req.url ?? ''} ${res.statusCode}`,
  });
}
