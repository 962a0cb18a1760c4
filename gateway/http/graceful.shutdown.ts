import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Stopping the HTTP server the way a rolling restart needs. Node's `server.close()` alone stops
 * listening but keeps serving every keep-alive connection until it goes idle for the keep-alive
 * timeout, and `closeAllConnections()` cuts requests in flight, whose clients then cannot tell
 * whether their report was recorded. Here a shutdown answers what is in flight, each answer with
 * `Connection: close`, closes idle connections at once, and cuts what is left only after a
 * grace period.
 */

/** Stops a server gracefully; see {@link trackForShutdown}. */
export type GracefulClose = (graceMs: number) => Promise<void>;

/**
 * Starts tracking `server`'s requests (call it before the server serves any) and returns the
 * function that closes it:
 * - no new connections are accepted;
 * - idle keep-alive connections are closed at once;
 * - every request in flight, or arriving on an open connection meanwhile, is answered with
 *   `Connection: close`, and its connection closed after the answer;
 * - after `graceMs`, whatever is still open is cut.
 *
 * It resolves when the server has closed.
 *
 * @example
 * const close = trackForShutdown(server);
 * process.on('SIGTERM', () => void close(10_000).then(() => process.exit(0)));
 */
export function trackForShutdown(server: Server): GracefulClose {
  const unanswered = new Set<ServerResponse>();
  let closing = false;
  const lastAnswer = (res: ServerResponse): void => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  // An answer whose headers left before the shutdown keeps its connection: close it once idle.
  const closeIfIdle = (): void => {
    if (closing)
      setImmediate(() => {
        server.closeIdleConnections();
      });
  };
  // Prepended, so that it runs before the app, which may answer synchronously.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (closing) lastAnswer(res);
    unanswered.add(res);
    res.once('close', () => {
      unanswered.delete(res);
      closeIfIdle();
    });
  });
  return (graceMs) => {
    closing = true;
    return new Promise<void>((resolve) => {
      const cut = setTimeout(() => {
        server.closeAllConnections();
      }, graceMs);
      server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      for (const res of unanswered) lastAnswer(res);
      server.closeIdleConnections();
    });
  };
}
