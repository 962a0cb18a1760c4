import type { AddressInfo } from 'node:net';

import express from 'express';

/**
 * The HTTP benchmark's floor: an express app with one JSON route and nothing else (no logging,
 * metrics, body parsing or authentication), in its own process on 127.0.0.1. What the same clients
 * get from it is the most any express service can answer on this machine; the gap to the service's
 * own `/healthz` is the cost of the service's middleware. Prints its port as one JSON line.
 */
const app = express();
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
