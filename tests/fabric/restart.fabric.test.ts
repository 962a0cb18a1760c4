import { DEMO_EXPECTED, DEMO_STEPS, type DemoStep } from '../../gateway/demo/demo.dataset';
import { http, runSteps, waitForCatchUp } from '../gateway/service/scenario.runner';
import { networkIsUp, startFabricService } from './fabric.harness';

/**
 * Restart the gateway mid-stream on the real network: the consumer, checkpointed in its read
 * model, resumes where it stopped and no deviation, task or lock is lost or doubled. The scenario
 * runs under fresh numbers (suffix R) so it does not meet the records of the scenario suite.
 */
const SUFFIX = 'R';

function renumbered(step: DemoStep): DemoStep {
  const b = step.body;
  const body: Record<string, unknown> = { ...b };
  for (const field of ['reportNo', 'samplingNo', 'batchNo', 'recallId'] as const) {
    if (typeof b[field] === 'string') body[field] = `${b[field]}${SUFFIX}`;
  }
  if (typeof b.productCode === 'string') body.productCode = `${b.productCode}-${SUFFIX}`;
  if (b.product !== undefined)
    body.product = {
      ...(b.product as Record<string, unknown>),
      code: `${(b.product as { code: string }).code}-${SUFFIX}`,
    };
  if (Array.isArray(b.batches)) {
    body.batches = (b.batches as { companyId: string; productCode: string; batchNo: string }[]).map((x) => ({
      ...x,
      productCode: `${x.productCode}-${SUFFIX}`,
      batchNo: `${x.batchNo}${SUFFIX}`,
    }));
  }
  return { ...step, body };
}

const expectedDeviations = Object.fromEntries(
  Object.entries(DEMO_EXPECTED.deviations).map(([id, d]) => [
    id.replace(/^DV-OR-(DC\d+)-/, `DV-OR-$1${SUFFIX}-`),
    d,
  ]),
);

describe('a gateway restarted mid-stream on the real network', () => {
  it('resumes from its checkpoint without losing or doubling any deviation, task or lock', async () => {
    if (!networkIsUp()) throw new Error('the Fabric network is not up: run npm run test:fabric');
    const steps = DEMO_STEPS.map(renumbered);
    const first = await startFabricService();
    await runSteps(first.baseUrl, first.tokens, steps);
    // Stop at once: the consumer is still working through the effects of what was just posted.
    const processedBefore = (
      (await http(first.baseUrl, 'GET', '/v1/status')).json as { processedHeight: number }
    ).processedHeight;
    await first.stop();

    const second = await startFabricService(first.dataDir);
    try {
      await waitForCatchUp(second.baseUrl, 240_000);
      const status = (await http(second.baseUrl, 'GET', '/v1/status')).json as {
        height: number;
        processedHeight: number;
      };
      expect(status.processedHeight).toBeGreaterThan(processedBefore);

      const deviations = (
        await http(second.baseUrl, 'GET', '/v1/deviations?limit=200', second.tokens.regulator)
      ).json as {
        items: { id: string; severity: string; rule: string; actions: { type: string; id: string }[] }[];
      };
      const mine = deviations.items.filter((d) => new RegExp(`^DV-OR-DC\\d+${SUFFIX}-`).test(d.id));
      expect(Object.fromEntries(mine.map((d) => [d.id, { severity: d.severity, rule: d.rule }]))).toEqual(
        expectedDeviations,
      );
      const critical = mine.find((d) => d.severity === 'critical')!;
      expect(critical.actions.map((a) => a.type).sort()).toEqual(['lock', 'sampling-task']);

      const tasks = (
        await http(second.baseUrl, 'GET', '/v1/sampling-tasks?limit=200', second.tokens.regulator)
      ).json as {
        items: { id: string; productCode: string; itemCodes: string[] }[];
      };
      const myTasks = tasks.items.filter((t) => t.productCode.endsWith(`-${SUFFIX}`));
      expect(myTasks.map((t) => t.id).sort()).toEqual(
        DEMO_EXPECTED.tasks.map((id) => id.replace(/^TK-DV-OR-(DC\d+)-/, `TK-DV-OR-$1${SUFFIX}-`)).sort(),
      );

      const batch = (
        await http(
          second.baseUrl,
          'GET',
          `/v1/batches/${DEMO_EXPECTED.batches[0].companyId}/LEEK-500G-${SUFFIX}/L261020${SUFFIX}`,
          second.tokens.regulator,
        )
      ).json as {
        status: string;
        locks: { action: string }[];
      };
      expect(batch.status).toBe('locked');
      expect(batch.locks.filter((l) => l.action === 'lock')).toHaveLength(1);
    } finally {
      await second.close();
    }
  }, 600_000);
});
