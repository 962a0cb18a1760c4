import { COMPANY_A, DEMO_STEPS } from '../../../gateway/demo/demo.dataset';
import { http, runSteps, waitForCatchUp, type Tokens } from './scenario.runner';
import { startHarness, type Harness } from './service.harness';

/**
 * The authorisation matrix through the API, on the real service: every route × every kind of
 * caller. Refusals are 401 without a valid token and 403 for a wrong role or company; allowed
 * calls succeed.
 */
type Caller = keyof Tokens | 'none' | 'unknown';
const CALLERS: readonly Caller[] = [
  'regulator',
  'recall',
  'enterpriseA',
  'enterpriseB',
  'enterpriseC',
  'none',
  'unknown',
];
const AUTHENTICATED: readonly Caller[] = ['regulator', 'recall', 'enterpriseA', 'enterpriseB', 'enterpriseC'];
const PUBLIC: readonly Caller[] = CALLERS;

const stepBody = (path: string, index = 0): Record<string, unknown> =>
  DEMO_STEPS.filter((s) => s.path === path)[index]!.body;
const SELF_ID = `ST-${COMPANY_A}-A-ST-261021`;
const LEEK_BATCH = `/v1/batches/${COMPANY_A}/LEEK-500G/L261020`;

interface Row {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly allowed: readonly Caller[];
}

const ROWS: readonly Row[] = [
  { method: 'POST', path: '/v1/companies', body: stepBody('/v1/companies'), allowed: ['regulator'] },
  { method: 'POST', path: '/v1/inspectors', body: stepBody('/v1/inspectors'), allowed: ['regulator'] },
  { method: 'POST', path: '/v1/self-tests', body: stepBody('/v1/self-tests'), allowed: ['enterpriseA'] },
  {
    method: 'POST',
    path: '/v1/official-results',
    body: stepBody('/v1/official-results'),
    allowed: ['regulator'],
  },
  { method: 'GET', path: `/v1/self-tests/${SELF_ID}`, allowed: ['regulator', 'recall', 'enterpriseA'] },
  {
    method: 'GET',
    path: '/v1/official-results/OR-DC2611350001',
    allowed: ['regulator', 'recall', 'enterpriseA'],
  },
  { method: 'GET', path: '/v1/items', allowed: AUTHENTICATED },
  {
    method: 'GET',
    path: `/v1/deviations?companyId=${COMPANY_A}`,
    allowed: ['regulator', 'recall', 'enterpriseA'],
  },
  { method: 'GET', path: '/v1/sampling-tasks', allowed: ['regulator'] },
  {
    method: 'GET',
    path: '/v1/sampling-tasks/TK-DV-OR-DC2611350001-procymidone/verify',
    allowed: ['regulator'],
  },
  { method: 'POST', path: '/v1/batches', body: stepBody('/v1/batches'), allowed: ['enterpriseA'] },
  { method: 'GET', path: LEEK_BATCH, allowed: AUTHENTICATED },
  {
    method: 'POST',
    path: `${LEEK_BATCH}/lock`,
    body: { reason: 'matrix' },
    allowed: ['regulator', 'recall'],
  },
  { method: 'POST', path: `${LEEK_BATCH}/unlock`, body: { reason: 'matrix' }, allowed: ['regulator'] },
  {
    method: 'POST',
    path: '/v1/recalls',
    body: {
      recallId: 'RC-MATRIX',
      batches: [{ companyId: COMPANY_A, productCode: 'LEEK-500G', batchNo: 'L-MATRIX' }],
      level: 3,
      reason: 'matrix',
    },
    allowed: ['regulator', 'recall'],
  },
  { method: 'GET', path: '/v1/stats', allowed: ['regulator'] },
  { method: 'GET', path: '/v1/status', allowed: PUBLIC },
  { method: 'GET', path: '/01/06931012000013/10/L261020', allowed: PUBLIC },
  { method: 'GET', path: '/v1/codes/6931012000013/L261020.svg', allowed: PUBLIC },
];

describe('authorisation matrix through the API', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    await runSteps(harness.baseUrl, harness.tokens, DEMO_STEPS);
    await waitForCatchUp(harness.baseUrl);
  }, 120_000);

  afterAll(async () => {
    await harness.close();
  });

  // Refused callers first, so that an allowed write (unlock) cannot hide a refusal after it.
  const cases = ROWS.flatMap((row) =>
    [...CALLERS]
      .sort((a, b) => Number(row.allowed.includes(a)) - Number(row.allowed.includes(b)))
      .map(
        (caller) =>
          [
            `${row.method} ${row.path.split('?')[0]!}`,
            caller,
            row.allowed.includes(caller) ? 'allow' : 'refuse',
            row,
          ] as const,
      ),
  );

  it.each(cases)('%s by %s: %s', async (_name, caller, expected, row) => {
    const token =
      caller === 'none'
        ? undefined
        : caller === 'unknown'
          ? 'not-a-token-of-this-service-000'
          : harness.tokens[caller];
    const reply = await http(harness.baseUrl, row.method, row.path, token, row.body);
    if (expected === 'allow') {
      expect(`${String(reply.status)} ${reply.text.slice(0, 200)}`).toMatch(/^20[01] /);
    } else if (caller === 'none' || caller === 'unknown') {
      expect(reply.status).toBe(401);
    } else {
      expect(reply.status).toBe(403);
      expect((reply.json as { error: { code: string } }).error.code).toMatch(/^ACCESS\./);
    }
  });
});
