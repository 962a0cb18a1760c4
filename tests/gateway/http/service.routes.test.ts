import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

import pino from 'pino';

import { healthViewSchema, statusViewSchema } from '../../../gateway/http/api.schemas';
import { REDACTED_PATHS } from '../../../gateway/logging/logger';
import { LedgerUnavailableError } from '../../../gateway/ledger/ledger.errors';
import { leekSelfTest } from '../../chaincode/ledger.fixture';
import { errorOf, expectStatus, seedParties, startHarness, type Harness } from './api.harness';

interface OpenApiOperationView {
  readonly requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  readonly responses: Record<string, unknown>;
  readonly security: unknown[];
  readonly parameters: { name: string; in: string }[];
}
type OpenApiView = {
  openapi: string;
  paths: Record<string, Partial<Record<'get' | 'post', OpenApiOperationView>>>;
};

/**
 * Checks `document` against the OpenAPI specification's own JSON schema with the
 * `@seriousme/openapi-schema-validator` command (an ES module, which these CommonJS suites run as
 * a command rather than import). What client generators would refuse, it refuses.
 */
function openApiSchemaErrors(document: unknown): unknown[] {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'fic-openapi-'));
  try {
    const file = path.join(folder, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = path.join(
      path.dirname(require.resolve('@seriousme/openapi-schema-validator/package.json')),
      'bin/validate-api-cli.js',
    );
    let output: string;
    try {
      output = execFileSync(process.execPath, [cli, file], { encoding: 'utf8' });
    } catch (error: unknown) {
      // It exits 1 for an invalid document, and prints why.
      output = (error as { stdout?: string }).stdout ?? '';
    }
    const verdict = JSON.parse(output) as { valid: boolean; errors?: unknown[] };
    return verdict.valid ? [] : (verdict.errors ?? ['invalid']);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Every operation of DESIGN §7 (and the few this API adds). */
const DESIGN_OPERATIONS = [
  'post /v1/companies',
  'post /v1/inspectors',
  'post /v1/self-tests',
  'post /v1/official-results',
  'get /v1/self-tests/{id}',
  'get /v1/official-results/{id}',
  'get /v1/items',
  'get /v1/deviations',
  'get /v1/sampling-tasks',
  'get /v1/sampling-tasks/{id}/verify',
  'post /v1/batches',
  'get /v1/batches/{companyId}/{productCode}/{batchNo}',
  'post /v1/batches/{companyId}/{productCode}/{batchNo}/lock',
  'post /v1/batches/{companyId}/{productCode}/{batchNo}/unlock',
  'post /v1/recalls',
  'get /01/{gtin}/10/{batchNo}',
  'get /v1/codes/{gtin}/{batchNo}.svg',
  'get /v1/codes/{gtin}/{batchNo}.png',
  'get /v1/stats',
  'get /v1/status',
  'get /healthz',
  'get /metrics',
  'get /openapi.json',
  'get /docs',
];

const SAMPLE_PARAMS: Record<string, string> = {
  id: 'X-1',
  companyId: '91350100M000100Y43',
  productCode: 'P1',
  batchNo: 'B1',
  gtin: '6901234567892',
  itemCode: 'lead',
};

describe('service routes: status, metrics, OpenAPI, docs, errors and logs', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 } });
    await seedParties(h);
  });

  afterAll(async () => {
    await h.close();
  });

  afterEach(() => {
    h.ledger.outage = undefined;
    h.ledger.conflicts = 0;
    h.readModel.statsFault = undefined;
  });

  describe('status', () => {
    it('answers /v1/status without a token: ledger kind, height and processed height', async () => {
      h.readModel.processed = 3;
      const status = statusViewSchema.parse((await expectStatus(h.call('GET', '/v1/status'), 200)).json);
      expect(status).toEqual({ ledger: 'embedded', height: h.height(), processedHeight: 3 });
    });

    it('answers /v1/status with 503 and Retry-After when the ledger is down', async () => {
      h.ledger.outage = new LedgerUnavailableError('no peer', 12);
      const response = await h.call('GET', '/v1/status');
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('12');
      expect(errorOf(response).code).toBe('LEDGER.UNAVAILABLE');
    });

    it('answers /healthz', async () => {
      expect(healthViewSchema.parse((await expectStatus(h.call('GET', '/healthz'), 200)).json)).toEqual({
        status: 'ok',
      });
    });
  });

  describe('errors', () => {
    it('answers 503 LEDGER.BUSY with Retry-After once MVCC conflicts outlast the retries, writing nothing', async () => {
      const before = h.height();
      const attempts = h.ledger.submitAttempts;
      h.ledger.conflicts = 10;
      const response = await h.call('POST', '/v1/self-tests', {
        as: 'enterpriseA',
        body: leekSelfTest({ reportNo: 'ST-BUSY' }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(errorOf(response).code).toBe('LEDGER.BUSY');
      expect(h.ledger.submitAttempts - attempts).toBe(3);
      expect(h.height()).toBe(before);
    });

    it('answers 404 ROUTE.NOT_FOUND for a path no route serves', async () => {
      const response = await h.call('GET', '/v1/nothing-here');
      expect(response.status).toBe(404);
      expect(errorOf(response).code).toBe('ROUTE.NOT_FOUND');
      const method = await h.call('DELETE', '/v1/self-tests', { as: 'enterpriseA' });
      expect(method.status).toBe(404);
    });

    it('answers a fault with a bare 500 INTERNAL and logs the error itself with the request id', async () => {
      h.readModel.statsFault = new Error('read model corrupted: table stats missing');
      const response = await h.call('GET', '/v1/stats', {
        as: 'regulator',
        headers: { 'X-Request-Id': 'fault-1' },
      });
      expect(response.status).toBe(500);
      expect(response.json).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
      expect(response.text).not.toContain('corrupted');
      const logged = h.logLines.filter((line) => line.includes('read model corrupted'));
      expect(logged.length).toBeGreaterThan(0);
      const entry = JSON.parse(logged[0] ?? '{}') as { level: number; req?: { id?: string } };
      expect(entry.level).toBe(50);
      expect(entry.req?.id).toBe('fault-1');
    });

    it('answers 400 for a path parameter that cannot be decoded', async () => {
      const response = await h.call('GET', '/v1/self-tests/%E0%A4%A', { as: 'regulator' });
      expect(response.status).toBe(400);
    });
  });

  describe('logs', () => {
    it('honours an incoming X-Request-Id, echoes it and logs it', async () => {
      const response = await h.call('GET', '/healthz', { headers: { 'X-Request-Id': 'scan-42.a' } });
      expect(response.headers.get('x-request-id')).toBe('scan-42.a');
      const line = h.logLines.find((l) => l.includes('"id":"scan-42.a"'));
      expect(line).toBeDefined();
    });

    it('generates a request id when none (or a malformed one) comes in', async () => {
      const plain = await h.call('GET', '/healthz');
      expect(plain.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const forged = await h.call('GET', '/healthz', { headers: { 'X-Request-Id': 'a b\tc' } });
      expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('never logs a bearer token or a cookie', async () => {
      await h.call('GET', '/v1/items', {
        as: 'enterpriseA',
        headers: { Cookie: 'session=s3cr3t-cookie', 'X-Request-Id': 'cookie-1' },
      });
      const text = h.logLines.join('\n');
      expect(text).toContain('"id":"cookie-1"');
      expect(text).not.toContain(h.tokens.enterpriseA);
      expect(text).not.toContain('s3cr3t-cookie');
    });

    it('logs each request as method, path, address, user agent, status and duration, without headers', async () => {
      await h.call('GET', '/v1/items?kind=chemical', {
        as: 'regulator',
        headers: { 'X-Request-Id': 'shape-1', 'User-Agent': 'lims-connector/2.1' },
      });
      const line = h.logLines.find((l) => l.includes('"id":"shape-1"'));
      const entry = JSON.parse(line ?? '{}') as {
        req?: Record<string, unknown>;
        res?: Record<string, unknown>;
        responseTime?: unknown;
        msg?: string;
      };
      expect(entry.req).toEqual({
        id: 'shape-1',
        method: 'GET',
        url: '/v1/items?kind=chemical',
        remoteAddress: expect.stringMatching(/127\.0\.0\.1/) as unknown,
        userAgent: 'lims-connector/2.1',
      });
      expect(entry.res).toEqual({ statusCode: 200 });
      expect(typeof entry.responseTime).toBe('number');
      expect(entry.msg).toBe('GET /v1/items?kind=chemical 200');
    });

    it('redacts private keys and certificates at any depth of a logged object', () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      });
      const logger = pino({ redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } }, sink);
      logger.info({
        privateKey: 'PK0',
        principal: { ledger: { privateKey: 'PK2', certificate: 'CERT2' } },
        wallet: { privateKey: 'PK1' },
      });
      logger.flush();
      const text = lines.join('');
      expect(text).not.toMatch(/PK0|PK1|PK2|CERT2/);
    });
  });

  describe('GET /metrics', () => {
    it('exposes process metrics, request durations by route and ledger submits by outcome', async () => {
      await h.call('POST', '/v1/self-tests', {
        as: 'enterpriseA',
        body: leekSelfTest({ reportNo: 'ST-METRIC' }),
      });
      const response = await expectStatus(h.call('GET', '/metrics'), 200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = response.text;
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toMatch(
        /gateway_http_request_duration_seconds_count\{route="\/v1\/self-tests",method="POST",status="201"\} 1/,
      );
      expect(text).toMatch(
        /gateway_http_request_duration_seconds_count\{route="unmatched",method="GET",status="404"\}/,
      );
      expect(text).toMatch(/gateway_ledger_submits_total\{fcn="SubmitSelfTest",outcome="committed"\} 1/);
      expect(text).toMatch(/gateway_ledger_submits_total\{fcn="SubmitSelfTest",outcome="transient"\} 1/);
      expect(text).toMatch(/gateway_ledger_submits_total\{fcn="SubmitSelfTest",outcome="retried"\} 2/);
      expect(text).toMatch(/gateway_ledger_submits_total\{fcn="RegisterCompany",outcome="committed"\} 2/);
    });

    it('exposes the ledger height and the height the consumer has processed, as /v1/status does', async () => {
      const status = statusViewSchema.parse((await expectStatus(h.call('GET', '/v1/status'), 200)).json);
      const text = (await expectStatus(h.call('GET', '/metrics'), 200)).text;
      expect(text).toContain('\ngateway_ledger_up 1\n');
      expect(text).toContain(`\ngateway_ledger_height ${String(status.height)}\n`);
      expect(text).toContain(`\ngateway_consumer_processed_height ${String(status.processedHeight)}\n`);
    });

    it('answers a scrape while the ledger is down, saying so in gateway_ledger_up', async () => {
      h.ledger.outage = new LedgerUnavailableError('no peer', 12);
      const text = (await expectStatus(h.call('GET', '/metrics'), 200)).text;
      expect(text).toContain('\ngateway_ledger_up 0\n');
    });
  });

  describe('OpenAPI and docs', () => {
    let document: OpenApiView;

    beforeAll(async () => {
      document = (await expectStatus(h.call('GET', '/openapi.json'), 200)).json as OpenApiView;
    });

    it('is an OpenAPI 3.1 document listing every route of the design', () => {
      expect(document.openapi).toBe('3.1.0');
      const operations = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method} ${path}`),
      );
      expect(operations).toEqual(expect.arrayContaining(DESIGN_OPERATIONS));
    });

    it("validates against the OpenAPI 3.1 specification's schema", () => {
      expect(openApiSchemaErrors(document)).toEqual([]);
      // The check itself can fail: a response without its description is refused.
      const stats = document.paths['/v1/stats']?.get;
      expect(stats).toBeDefined();
      const broken: OpenApiView = {
        ...document,
        paths: { ...document.paths, '/v1/stats': { get: { ...stats!, responses: { 200: {} } } } },
      };
      expect(openApiSchemaErrors(broken)).not.toEqual([]);
    });

    it('describes request bodies with the domain schemas and the answers of each route', () => {
      const selfTests = document.paths['/v1/self-tests']?.post;
      const schema = selfTests?.requestBody?.content['application/json']?.schema;
      expect(Object.keys(schema?.properties ?? {})).toEqual(
        expect.arrayContaining([
          'reportNo',
          'companyId',
          'product',
          'batchNo',
          'productionDate',
          'lab',
          'testedAt',
          'items',
        ]),
      );
      expect(Object.keys(selfTests?.responses ?? {})).toEqual(
        expect.arrayContaining(['200', '201', '400', '401', '403', '409', '503']),
      );
      expect(selfTests?.security).toEqual([{ bearerAuth: [] }]);
    });

    it('describes parameters and security of each route', () => {
      expect(document.paths['/01/{gtin}/10/{batchNo}']?.get?.security).toEqual([]);
      const lock = document.paths['/v1/batches/{companyId}/{productCode}/{batchNo}/lock']?.post;
      expect(lock?.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
        'path:companyId',
        'path:productCode',
        'path:batchNo',
        'header:Idempotency-Key',
      ]);
      const deviations = document.paths['/v1/deviations']?.get;
      expect(deviations?.parameters.map((p) => p.name)).toEqual(
        expect.arrayContaining(['companyId', 'productCode', 'itemCode', 'severity', 'limit', 'cursor']),
      );
    });

    it('documents only routes that exist', async () => {
      for (const [path, item] of Object.entries(document.paths)) {
        const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE_PARAMS[name] ?? 'x');
        for (const method of Object.keys(item)) {
          const response = await h.call(method.toUpperCase(), concrete, {
            as: 'regulator',
            ...(method === 'post' ? { body: {} } : {}),
          });
          const code = response.status === 404 ? errorOf(response).code : '';
          expect(`${method} ${path} ${code}`).not.toContain('ROUTE.NOT_FOUND');
        }
      }
    });

    it('serves Swagger UI from the package, pointing at /openapi.json', async () => {
      const page = await expectStatus(h.call('GET', '/docs'), 200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain("url: '/openapi.json'");
      expect(page.text).not.toMatch(/https?:\/\//);
      const bundle = await h.bytes('/docs/swagger-ui-bundle.js');
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toContain('javascript');
      expect(bundle.body.length).toBeGreaterThan(100_000);
      expect((await h.bytes('/docs/swagger-ui.css')).status).toBe(200);
      // The package's own index page would fetch the petstore example from the internet.
      expect((await h.bytes('/docs/index.html')).status).toBe(404);
    });
  });
});
