import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { readIdentitiesFile } from '../gateway/identity/identity.file';
import { percentile, report, seconds, tempDir } from './bench.support';
import { selfTestReport } from './reports.fixture';

/**
 * HTTP ingest (DESIGN §9): 32 concurrent clients posting single self-test reports to the built
 * service on 127.0.0.1, with the consumer running. Reports/s and latency percentiles; the
 * baselines in the same run are the same clients against the service's `GET /healthz` (its HTTP
 * stack alone) and against a bare express app's (the framework alone: `express-floor.server.ts`).
 */
const MAIN = path.resolve(__dirname, '../gateway/main.js');
const FLOOR = path.resolve(__dirname, 'express-floor.server.js');
const COMPANY = '91350100M000100Y43';

async function startService(dataDir: string): Promise<{ baseUrl: string; stop: () => void }> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
      CORE_CHAINCODE_LOGGING_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The service logs its bound port at info level; the benchmark reads it from that line.
  return new Promise((resolve, reject) => {
    let buffer = '';
    let found = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (found) return; // request logs keep flowing; they are read and dropped
      buffer += chunk.toString();
      const match = /"port":(\d+)[^\n]*gateway listening/.exec(buffer);
      if (match?.[1]) {
        found = true;
        resolve({ baseUrl: `http://127.0.0.1:${match[1]}`, stop: () => child.kill('SIGTERM') });
      }
    });
    child.once('exit', (code) => {
      reject(new Error(`service exited ${String(code)}: ${buffer}`));
    });
  });
}

/** Starts the express floor (`express-floor.server.ts`) and answers its address. */
async function startExpressFloor(): Promise<{ baseUrl: string; stop: () => void }> {
  const child = spawn(process.execPath, [FLOOR], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /"port":(\d+)/.exec(buffer);
      if (match?.[1]) {
        resolve({ baseUrl: `http://127.0.0.1:${match[1]}`, stop: () => child.kill('SIGTERM') });
      }
    });
    child.once('exit', (code) => {
      reject(new Error(`express floor exited ${String(code)}: ${buffer}`));
    });
  });
}

/**
 * One HTTP exchange over a keep-alive connection; resolves with the status once the body is read.
 * node:http rather than fetch: on this 2-core machine the load generator shares the cores with the
 * service, and fetch (undici) spends about twice the CPU per request.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function exchange(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<number>((resolve, reject) => {
    const request = http.request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, agent },
      (response) => {
        response.on('data', () => undefined);
        response.on('end', () => {
          resolve(response.statusCode ?? 0);
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}

async function load(
  count: number,
  concurrency: number,
  request: (n: number) => Promise<number>,
): Promise<{ perSecond: number; p50: number; p99: number; failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        const t0 = process.hrtime.bigint();
        const status = await request(n);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (status >= 300) failures++;
      }
    }),
  );
  const elapsed = seconds(process.hrtime.bigint() - started);
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(count / elapsed),
    p50: Number(percentile(latencies, 50).toFixed(2)),
    p99: Number(percentile(latencies, 99).toFixed(2)),
    failures,
  };
}

async function main(): Promise<void> {
  const { dir, remove } = tempDir('fic-bench-http-');
  const service = await startService(dir);
  try {
    const tokens = readIdentitiesFile(path.join(dir, 'identities.json'));
    const regulator = tokens.find((t) => t.role === 'regulator')!.token;
    const enterprise = tokens.find((t) => t.companyId === COMPANY)!.token;
    const post = (token: string, route: string, body: unknown) =>
      exchange(`${service.baseUrl}${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await post(regulator, '/v1/companies', {
      companyId: COMPANY,
      name: '福州闽江绿色蔬菜有限公司',
      region: '350102',
    });
    const count = Number(process.env.BENCH_HTTP_REPORTS ?? 10000);
    // Untimed warm-up, as the ingest benchmark: V8 compiles the hot paths during the first thousands.
    await load(Number(process.env.BENCH_HTTP_WARMUP ?? 2000), 32, (n) =>
      post(enterprise, '/v1/self-tests', selfTestReport(COMPANY, n % 50, 10_000_000 + n)),
    );
    const baseline = await load(count, 32, () => exchange(`${service.baseUrl}/healthz`));
    const floorServer = await startExpressFloor();
    const floor = await load(count, 32, () => exchange(`${floorServer.baseUrl}/healthz`)).finally(
      floorServer.stop,
    );
    const ingest = await load(count, 32, (n) =>
      post(enterprise, '/v1/self-tests', selfTestReport(COMPANY, n % 50, n)),
    );
    report('http-ingest', {
      clients: 32,
      reports: count,
      reportsPerSecond: ingest.perSecond,
      p50Ms: ingest.p50,
      p99Ms: ingest.p99,
      failures: ingest.failures,
      healthzPerSecond: baseline.perSecond,
      ratioToHealthz: Number((ingest.perSecond / baseline.perSecond).toFixed(4)),
      expressFloorPerSecond: floor.perSecond,
      ratioToExpressFloor: Number((ingest.perSecond / floor.perSecond).toFixed(4)),
    });
  } finally {
    service.stop();
    await new Promise((r) => setTimeout(r, 500));
    remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
