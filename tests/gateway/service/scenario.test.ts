import { rmSync } from 'node:fs';
import path from 'node:path';
import { DEMO_EXPECTED, DEMO_STEPS, type DemoStep } from '../../../gateway/demo/demo.dataset';
import {
  scanPlainBarcode,
  http,
  outcomeOf,
  RECALLED_MILK,
  runSteps,
  waitForCatchUp,
  type Outcome,
} from './scenario.runner';
import { startHarness, type Harness } from './service.harness';

/**
 * The core loop end to end on the embedded ledger: records in through the API, matched,
 * deviations recorded on the ledger, triggers fired, read back through the API.
 */
const setup = (s: DemoStep) => s.path === '/v1/companies' || s.path === '/v1/inspectors';
const recall = (s: DemoStep) => s.path === '/v1/recalls';
const reports = DEMO_STEPS.filter((s) => !setup(s) && !recall(s));

/** Officials first, then self-tests in reverse order, then batches: a very different arrival order. */
const REORDERED: readonly DemoStep[] = [
  ...DEMO_STEPS.filter(setup),
  ...reports.filter((s) => s.path === '/v1/official-results').reverse(),
  ...reports.filter((s) => s.path === '/v1/self-tests').reverse(),
  ...reports.filter((s) => s.path === '/v1/batches'),
  ...DEMO_STEPS.filter(recall),
];

describe('the core loop on the embedded ledger', () => {
  let outcomes: Outcome[] = [];
  let harness: Harness;

  beforeAll(async () => {
    // The contract in a simulation worker here; the other service suites run it on the main thread.
    harness = await startHarness({ SIMULATION_WORKERS: '1' });
    await runSteps(harness.baseUrl, harness.tokens, DEMO_STEPS);
    await waitForCatchUp(harness.baseUrl);
    outcomes = [await outcomeOf(harness.baseUrl, harness.tokens)];
  }, 120_000);

  afterAll(async () => {
    await harness.close();
  });

  it('records every expected deviation with its severity and rule, and no other', () => {
    const got = Object.fromEntries(
      Object.entries(outcomes[0]!.deviations).map(([id, d]) => [id, { severity: d.severity, rule: d.rule }]),
    );
    expect(got).toEqual(DEMO_EXPECTED.deviations);
  });

  it('opens one targeted sampling task per company, product and item, with two inspectors drawn outside the region', async () => {
    const tasks = (
      await http(harness.baseUrl, 'GET', '/v1/sampling-tasks?limit=50', harness.tokens.regulator)
    ).json as {
      items: { id: string; inspectors: string[]; companyId: string }[];
    };
    expect(tasks.items.map((t) => t.id).sort()).toEqual([...DEMO_EXPECTED.tasks].sort());
    for (const task of tasks.items) {
      expect(task.inspectors).toHaveLength(2);
      const verify = await http(
        harness.baseUrl,
        'GET',
        `/v1/sampling-tasks/${encodeURIComponent(task.id)}/verify`,
        harness.tokens.regulator,
      );
      expect(verify.json).toMatchObject({ valid: true });
    }
  });

  it('records the actions taken on a critical deviation', async () => {
    const reply = await http(
      harness.baseUrl,
      'GET',
      '/v1/deviations?severity=critical',
      harness.tokens.regulator,
    );
    const [critical] = (reply.json as { items: { id: string; actions: { type: string; id: string }[] }[] })
      .items;
    expect(critical?.actions.map((a) => `${a.type}:${a.id}`).sort()).toEqual([
      'lock:LOCK-DV-OR-DC2611350001-procymidone',
      'sampling-task:TK-DV-OR-DC2611350001-procymidone',
    ]);
  });

  it('locks the batch of a critical deviation and of a failed official result, and recalls on decision', () => {
    expect(outcomes[0]!.batches).toEqual({
      'LEEK-500G/L261020': 'locked',
      'MILK-950ML/M261103': 'recalled',
      'BREAD-400G/B261015': null,
    });
  });

  it('shows the lock and the failing finding to whoever scans the code', async () => {
    const gtin14 = DEMO_EXPECTED.code.gtin.padStart(14, '0');
    const reply = await http(harness.baseUrl, 'GET', `/01/${gtin14}/10/${DEMO_EXPECTED.code.batchNo}`);
    expect(reply.status).toBe(200);
    const body = reply.json as { gtin: string; batchNo: string; status: string; findings: object[] };
    expect(body).toMatchObject({ gtin: gtin14, batchNo: 'L261020', status: 'locked' });
    expect(body.findings).toContainEqual(
      expect.objectContaining({ itemCode: 'procymidone', verdict: 'fail', samplingNo: 'DC2611350001' }),
    );
  });

  it('shows the recalled batch, worst status first, to whoever scans the plain product barcode', async () => {
    await expect(scanPlainBarcode(harness.baseUrl)).resolves.toEqual(RECALLED_MILK);
  });

  it('ends in the same deviations, tasks and locks when the same records arrive in another order', async () => {
    const other = await startHarness();
    try {
      await runSteps(other.baseUrl, other.tokens, REORDERED);
      await waitForCatchUp(other.baseUrl);
      const second = await outcomeOf(other.baseUrl, other.tokens);
      expect(second.deviations).toEqual(outcomes[0]!.deviations);
      expect(second.batches).toEqual(outcomes[0]!.batches);
      expect(second.tasks).toEqual(outcomes[0]!.tasks);
    } finally {
      await other.close();
    }
  }, 120_000);

  it('changes nothing when the whole scenario is posted again', async () => {
    const before = await http(harness.baseUrl, 'GET', '/v1/status');
    const replies = await runSteps(
      harness.baseUrl,
      harness.tokens,
      DEMO_STEPS.filter((s) => s.path === '/v1/self-tests' || s.path === '/v1/official-results'),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    await waitForCatchUp(harness.baseUrl);
    expect(await outcomeOf(harness.baseUrl, harness.tokens)).toEqual(outcomes[0]);
    const stats = (await http(harness.baseUrl, 'GET', '/v1/stats', harness.tokens.regulator)).json as {
      batches: number;
      selfTests: number;
    };
    expect(stats).toMatchObject({ batches: 7, selfTests: 6 });
    expect(before.status).toBe(200);
  });

  it('rebuilds the same read model from the ledger alone after its file is deleted', async () => {
    const expected = await outcomeOf(harness.baseUrl, harness.tokens);
    await harness.stop();
    rmSync(path.join(harness.dataDir, 'read-model.sqlite'), { force: true });
    rmSync(path.join(harness.dataDir, 'read-model.sqlite-wal'), { force: true });
    rmSync(path.join(harness.dataDir, 'read-model.sqlite-shm'), { force: true });
    harness = await startHarness({}, harness.dataDir);
    await waitForCatchUp(harness.baseUrl);
    expect(await outcomeOf(harness.baseUrl, harness.tokens)).toEqual(expected);
    const stats = (await http(harness.baseUrl, 'GET', '/v1/stats', harness.tokens.regulator)).json as {
      batches: number;
      selfTests: number;
    };
    expect(stats).toMatchObject({ batches: 7, selfTests: 6 });
  }, 120_000);
});
