import type { NextFunction, Request, Response } from 'express';

import { routeNotFound, toHttpFailure, type HttpFailure } from './http.errors';

/**
 * The last two middlewares: a 404 for paths no route serves, and the one error handler that maps
 * every failure to its status and `{ error: { code, message, details? } }` body.
 */

function sendFailure(res: Response, failure: HttpFailure): void {
  res.status(failure.status).set(failure.headers).json(failure.body);
}

/** Answers 404 `ROUTE.NOT_FOUND` for a path no route served. */
export function notFoundHandler(): (req: Request, res: Response) => void {
  return (req, res) => {
    sendFailure(res, routeNotFound(req.method, req.path));
  };
}

/**
 * Maps a thrown error to its answer. A real fault (500) is logged with the request's logger and
 * answered with `INTERNAL` only, never with its message or stack.
 */
export function errorHandler(): (error: unknown, req: Request, res: Response, next: NextFunction) => void {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const failure = toHttpFailure(error);
    if (failure.internal) req.log.error({ err: error }, 'request failed');
    sendFailure(res, failure);
  };
}
