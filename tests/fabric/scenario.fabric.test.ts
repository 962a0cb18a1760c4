import { DEMO_EXPECTED, DEMO_STEPS } from '../../gateway/demo/demo.dataset';
import {
  scanPlainBarcode,
  http,
  outcomeOf,
  RECALLED_MILK,
  runSteps,
  waitForCatchUp,
  type Outcome,
} from '../gateway/service/scenario.runner';
import { networkIsUp, startFabricService, type FabricHarness } from './fabric.harness';

/**
 * The gateway's scenario suite, unchanged, on the real Fabric network: two organisations' peers
 * endorsing, a Raft orderer cutting blocks, the chaincode running as a service. The table and
 * the assertions are those of tests/gateway/service/scenario.test.ts.
 */
describe('the core loop on the real Fabric network', () => {
  let harness: FabricHarness;
  let outcome: Outcome;

  beforeAll(async () => {
    if (!networkIsUp())
      throw new Error('the Fabric network is not up: run npm run test:fabric (it brings it up)');
    harness = await startFabricService();
    await runSteps(harness.baseUrl, harness.tokens, DEMO_STEPS);
    await waitForCatchUp(harness.baseUrl, 180_000);
    outcome = await outcomeOf(harness.baseUrl, harness.tokens);
  }, 600_000);

  afterAll(async () => {
    await harness.close();
  });

  it('records every expected deviation with its severity and rule, and no other', () => {
    // The restart suite shares this ledger under renumbered records (DC…R); only this table's count here.
    const own = Object.entries(outcome.deviations).filter(([id]) => /^DV-OR-DC\d+-/.test(id));
    const got = Object.fromEntries(own.map(([id, d]) => [id, { severity: d.severity, rule: d.rule }]));
    expect(got).toEqual(DEMO_EXPECTED.deviations);
  });

  it('opens the expected targeted sampling tasks, each with a draw anyone can re-run', async () => {
    const tasks = (
      await http(harness.baseUrl, 'GET', '/v1/sampling-tasks?limit=50', harness.tokens.regulator)
    ).json as {
      items: { id: string; inspectors: string[] }[];
    };
    const own = tasks.items.filter((t) => /^TK-DV-OR-DC\d+-/.test(t.id));
    expect(own.map((t) => t.id).sort()).toEqual([...DEMO_EXPECTED.tasks].sort());
    for (const task of own) {
      const verify = await http(
        harness.baseUrl,
        'GET',
        `/v1/sampling-tasks/${encodeURIComponent(task.id)}/verify`,
        harness.tokens.regulator,
      );
      expect(verify.json).toMatchObject({ valid: true });
    }
  });

  it('locks and recalls the expected batches', () => {
    expect(outcome.batches).toEqual({
      'LEEK-500G/L261020': 'locked',
      'MILK-950ML/M261103': 'recalled',
      'BREAD-400G/B261015': null,
    });
  });

  it('shows the lock to whoever scans the code', async () => {
    const gtin14 = DEMO_EXPECTED.code.gtin.padStart(14, '0');
    const reply = await http(harness.baseUrl, 'GET', `/01/${gtin14}/10/${DEMO_EXPECTED.code.batchNo}`);
    expect(reply.json).toMatchObject({ status: 'locked', batchNo: DEMO_EXPECTED.code.batchNo });
  });

  it('shows the recalled batch, worst status first, to whoever scans the plain product barcode', async () => {
    await expect(scanPlainBarcode(harness.baseUrl)).resolves.toEqual(RECALLED_MILK);
  });

  it('answers an identical re-post with 200 and the same id, and a different one under the same number with 409', async () => {
    const step = DEMO_STEPS.find((s) => s.path === '/v1/self-tests')!;
    const again = await http(harness.baseUrl, 'POST', step.path, harness.tokens[step.actor], step.body);
    expect(again.status).toBe(200);
    const changed = { ...step.body, lab: { name: 'another lab' } };
    const conflict = await http(harness.baseUrl, 'POST', step.path, harness.tokens[step.actor], changed);
    expect(conflict.status).toBe(409);
  });

  it('reports the Fabric ledger and a consumer that has caught up', async () => {
    await waitForCatchUp(harness.baseUrl, 60_000);
    const status = (await http(harness.baseUrl, 'GET', '/v1/status')).json as {
      ledger: string;
      height: number;
      processedHeight: number;
    };
    expect(status.ledger).toBe('fabric');
    expect(status.processedHeight).toBe(status.height);
  });
});
