import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { trackForShutdown, type GracefulClose } from '../../../gateway/http/graceful.shutdown';

/**
 * Graceful shutdown on a plain HTTP server whose handler answers when the test says so. Keep-alive
 * timeouts are set far beyond the test's own timeout, so a shutdown that waited for them would
 * show as a hung test, not as a slow pass.
 */

interface Answer {
  readonly status: number;
  readonly connection: string | undefined;
  readonly body: string;
}

const HUNG = 'hung';
/** Resolves with `HUNG` if `promise` has not settled within `ms` (a hang detector, not a speed check). */
function orHung<T>(promise: Promise<T>, ms = 10_000): Promise<T | typeof HUNG> {
  return Promise.race([
    promise,
    new Promise<typeof HUNG>((r) =>
      setTimeout(() => {
        r(HUNG);
      }, ms).unref(),
    ),
  ]);
}

describe('graceful shutdown of the HTTP server', () => {
  let server: Server;
  let close: GracefulClose;
  let agent: Agent;
  let port: number;
  /** Handlers waiting to answer, by request path. */
  let waiting: Map<string, (body: string) => void>;
  let received: string[];

  beforeEach(async () => {
    waiting = new Map();
    received = [];
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      received.push(path);
      if (path.startsWith('/now')) {
        res.end('now');
        return;
      }
      waiting.set(path, (body) => res.end(body));
    });
    server.keepAliveTimeout = 120_000;
    close = trackForShutdown(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    agent = new Agent({ keepAlive: true, maxSockets: 4 });
  });

  afterEach(() => {
    agent.destroy();
    server.closeAllConnections();
    server.close();
  });

  /** A GET on the keep-alive agent, or on a new connection of its own when `fresh`. */
  function get(path: string, fresh = false): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent: fresh ? false : agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  async function untilReceived(path: string): Promise<void> {
    while (!received.includes(path)) await new Promise((r) => setTimeout(r, 5));
  }

  it('answers a request in flight with Connection: close, then closes without waiting for keep-alive', async () => {
    expect((await get('/now')).connection).toBe('keep-alive');
    const inFlight = get('/slow');
    await untilReceived('/slow');

    const closed = close(120_000);
    waiting.get('/slow')?.('answered');
    await expect(inFlight).resolves.toEqual({ status: 200, connection: 'close', body: 'answered' });
    await expect(orHung(closed)).resolves.toBeUndefined();
  });

  it('closes idle keep-alive connections at once and accepts no new ones', async () => {
    await get('/now');
    await get('/now');
    await expect(orHung(close(120_000))).resolves.toBeUndefined();
    await expect(get('/now', true)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('cuts a request that outlasts the grace period', async () => {
    const stuck = get('/stuck');
    await untilReceived('/stuck');
    await expect(orHung(close(100))).resolves.toBeUndefined();
    await expect(stuck).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
