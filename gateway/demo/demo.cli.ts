import { readIdentitiesFile, type IdentityEntry } from '../identity/identity.file';
import { COMPANY_A, COMPANY_B, COMPANY_C, DEMO_EXPECTED, DEMO_STEPS, type DemoActor } from './demo.dataset';
import { demoBaseUrl, demoIdentitiesFile } from './demo.target';

/**
 * `npm run demo`: posts the demo programme through the HTTP API of a running service, waits for
 * the consumer to catch up, and prints what the product made of it. It reads the API tokens from
 * the service's identities file (`IDENTITIES_FILE`, else `<DATA_DIR>/identities.json`) and talks
 * to `BASE_URL`, else to where `npm start` listens with the same environment (`HOST`, `PORT`;
 * http://127.0.0.1:8080 by default). This is a script: it prints to stdout.
 */
const baseUrl = demoBaseUrl(process.env);
const identitiesFile = demoIdentitiesFile(process.env);

function tokensOf(entries: readonly IdentityEntry[]): Record<DemoActor, string> {
  const find = (predicate: (e: IdentityEntry) => boolean, what: string): string => {
    const entry = entries.find(predicate);
    if (!entry) throw new Error(`${identitiesFile} has no ${what} identity`);
    return entry.token;
  };
  return {
    regulator: find((e) => e.role === 'regulator', 'regulator'),
    recall: find((e) => e.role === 'recall', 'recall'),
    enterpriseA: find((e) => e.companyId === COMPANY_A, `enterprise ${COMPANY_A}`),
    enterpriseB: find((e) => e.companyId === COMPANY_B, `enterprise ${COMPANY_B}`),
    enterpriseC: find((e) => e.companyId === COMPANY_C, `enterprise ${COMPANY_C}`),
  };
}

async function call(
  token: string | undefined,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
}

async function waitForConsumer(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { json } = await call(undefined, 'GET', '/v1/status');
    const status = json as { height: number; processedHeight: number };
    // The consumer's own effects add blocks; caught up means equal twice in a row.
    if (status.height === status.processedHeight) {
      await new Promise((r) => setTimeout(r, 200));
      const again = (await call(undefined, 'GET', '/v1/status')).json as {
        height: number;
        processedHeight: number;
      };
      if (again.height === again.processedHeight && again.height === status.height) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the consumer did not catch up within a minute');
}

async function main(): Promise<void> {
  const tokens = tokensOf(readIdentitiesFile(identitiesFile));
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  out(`Posting ${String(DEMO_STEPS.length)} requests to ${baseUrl}`);
  for (const step of DEMO_STEPS) {
    const { status, json } = await call(tokens[step.actor], step.method, step.path, step.body);
    if (status >= 400)
      throw new Error(`${step.method} ${step.path} → ${String(status)} ${JSON.stringify(json)}`);
    out(`  ${String(status)} ${step.path.padEnd(22)} ${step.note}`);
  }
  await waitForConsumer();

  const deviations = (await call(tokens.regulator, 'GET', '/v1/deviations?limit=100')).json as {
    items: {
      id: string;
      severity: string;
      rule: string;
      metrics: object;
      actions: { type: string; id: string }[];
    }[];
  };
  out('\nDeviations (链上点检):');
  for (const d of deviations.items) {
    out(
      `  ${d.severity.padEnd(8)} ${d.rule.padEnd(18)} ${d.id}  ${JSON.stringify(d.metrics)}  actions: ${d.actions.map((a) => `${a.type}:${a.id}`).join(', ') || '-'}`,
    );
  }
  const tasks = (await call(tokens.regulator, 'GET', '/v1/sampling-tasks?limit=100')).json as {
    items: { id: string; status: string; inspectors: string[]; seed: string }[];
  };
  out('\nTargeted sampling tasks (点穴式抽检):');
  for (const t of tasks.items) {
    const verify = (
      await call(tokens.regulator, 'GET', `/v1/sampling-tasks/${encodeURIComponent(t.id)}/verify`)
    ).json as { valid: boolean };
    out(
      `  ${t.id} ${t.status} inspectors ${t.inspectors.join(', ')} seed ${t.seed.slice(0, 16)}… draw verified: ${String(verify.valid)}`,
    );
  }
  out('\nBatches:');
  for (const b of DEMO_EXPECTED.batches) {
    const { status, json } = await call(
      tokens.regulator,
      'GET',
      `/v1/batches/${b.companyId}/${b.productCode}/${b.batchNo}`,
    );
    out(
      `  ${b.productCode}/${b.batchNo}: ${status === 200 ? (json as { status: string }).status : 'not registered, never locked'}`,
    );
  }
  const stats = (await call(tokens.regulator, 'GET', '/v1/stats')).json;
  out(`\nStatistics: ${JSON.stringify(stats)}`);
  const code = DEMO_EXPECTED.code;
  out(`\nScan the locked leek batch: ${baseUrl}/01/${code.gtin.padStart(14, '0')}/10/${code.batchNo}`);
  out(`QR code: ${baseUrl}/v1/codes/${code.gtin}/${code.batchNo}.svg`);
  out(`Scan the milk's plain barcode: ${baseUrl}/01/${DEMO_EXPECTED.plainBarcode.gtin.padStart(14, '0')}`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  // fetch says only "fetch failed" when nothing listens there.
  const hint = message === 'fetch failed' ? ` (is the service running at ${baseUrl}?)` : '';
  process.stderr.write(`demo failed: ${message}${hint}\n`);
  process.exit(1);
});
