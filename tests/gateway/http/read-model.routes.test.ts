import { z } from 'zod';

import {
  catalogueItemSchema,
  deviationViewSchema,
  drawVerificationSchema,
  pageSchema,
  statsViewSchema,
  taskViewSchema,
} from '../../../gateway/http/api.schemas';
import type { DeviationView, TaskView } from '../../../gateway/read-model/read-model.port';
import type { SamplingTaskRecord } from '../../../src/records/ledger.records';
import {
  COMPANY_A,
  COMPANY_B,
  errorOf,
  expectStatus,
  fieldsOf,
  seedParties,
  startHarness,
  type Harness,
} from './api.harness';

function deviation(companyId: string, n: number, severity: DeviationView['severity']): DeviationView {
  return {
    id: `DV-OR-DC${n}-procymidone`,
    companyId,
    productCode: 'LEEK-500G',
    itemCode: 'procymidone',
    batchNo: `L${n}`,
    severity,
    rule: severity === 'critical' ? 'verdict-conflict' : 'horwitz-z',
    metrics: { z: 3.4, relDiff: 0.52 },
    selfTestId: `ST-${companyId}-R${n}`,
    officialResultId: `OR-DC${n}`,
    revision: 1,
    txId: `tx-${n}`,
    actions: [{ type: 'lock', id: `LK-${n}`, at: '2024-06-01T08:00:00.000Z' }],
  };
}

const deviationPage = pageSchema(deviationViewSchema);

describe('read-model routes: deviations, sampling tasks, stats, catalogue', () => {
  let h: Harness;
  let task: SamplingTaskRecord;

  beforeAll(async () => {
    h = await startHarness();
    await seedParties(h);
    h.readModel.deviationViews.push(
      deviation(COMPANY_A, 1, 'critical'),
      deviation(COMPANY_A, 2, 'warning'),
      deviation(COMPANY_B, 3, 'high'),
    );
    // A targeted task opened on the ledger (the trigger's job), and its view in the read model.
    const opened = await h.ledger.submit(h.principals.regulator.ledger, 'OpenSamplingTask', [
      JSON.stringify({
        taskId: 'TK-DV-OR-DC1-procymidone',
        companyId: COMPANY_A,
        productCode: 'LEEK-500G',
        itemCodes: ['procymidone'],
        reason: { deviationId: 'DV-OR-DC1-procymidone' },
      }),
    ]);
    task = (JSON.parse(opened.payload.toString('utf8')) as { record: SamplingTaskRecord }).record;
    const view: TaskView = {
      id: task.id,
      companyId: task.companyId,
      productCode: task.productCode,
      itemCodes: task.itemCodes,
      reason: task.reason,
      status: task.status,
      inspectors: task.inspectors,
      seed: task.seed,
      txId: task.txId,
    };
    h.readModel.taskViews.push(view);
  });

  afterAll(async () => {
    await h.close();
  });

  describe('GET /v1/deviations', () => {
    it('shows a regulator every company’s deviations, filtered by severity or company', async () => {
      const all = deviationPage.parse(
        (await expectStatus(h.call('GET', '/v1/deviations', { as: 'regulator' }), 200)).json,
      );
      expect(all.items.map((d) => d.id)).toHaveLength(3);
      const critical = deviationPage.parse(
        (await h.call('GET', '/v1/deviations?severity=critical', { as: 'regulator' })).json,
      );
      expect(critical.items.map((d) => d.batchNo)).toEqual(['L1']);
      const b = deviationPage.parse(
        (
          await h.call('GET', `/v1/deviations?companyId=${COMPANY_B}&itemCode=procymidone`, {
            as: 'regulator',
          })
        ).json,
      );
      expect(b.items.map((d) => d.companyId)).toEqual([COMPANY_B]);
    });

    it('pages with limit and the next cursor', async () => {
      const first = deviationPage.parse(
        (await h.call('GET', '/v1/deviations?limit=2', { as: 'recall' })).json,
      );
      expect(first.items).toHaveLength(2);
      expect(first.next).toBeDefined();
      const second = deviationPage.parse(
        (await h.call('GET', `/v1/deviations?limit=2&cursor=${first.next ?? ''}`, { as: 'recall' })).json,
      );
      expect(second.items).toHaveLength(1);
      expect(second.next).toBeUndefined();
    });

    it('shows an enterprise only its own company’s deviations', async () => {
      const own = deviationPage.parse(
        (await expectStatus(h.call('GET', '/v1/deviations', { as: 'enterpriseA' }), 200)).json,
      );
      expect(own.items.map((d) => d.companyId)).toEqual([COMPANY_A, COMPANY_A]);
      expect(h.readModel.lastDeviationQuery?.filter.companyId).toBe(COMPANY_A);
    });

    it('refuses an enterprise asking for another company with 403 ACCESS.COMPANY', async () => {
      const response = await h.call('GET', `/v1/deviations?companyId=${COMPANY_B}`, { as: 'enterpriseA' });
      expect(response.status).toBe(403);
      expect(errorOf(response).code).toBe('ACCESS.COMPANY');
      const recallA = await h.call('GET', `/v1/deviations?companyId=${COMPANY_B}`, { as: 'recallA' });
      expect(recallA.status).toBe(403);
    });

    it('answers 400 naming a bad severity, limit or item code', async () => {
      const severity = await h.call('GET', '/v1/deviations?severity=severe', { as: 'regulator' });
      expect(severity.status).toBe(400);
      expect(fieldsOf(severity)).toEqual(['severity']);
      const limit = await h.call('GET', '/v1/deviations?limit=0', { as: 'regulator' });
      expect(fieldsOf(limit)).toEqual(['limit']);
      const item = await h.call('GET', '/v1/deviations?itemCode=unobtainium', { as: 'regulator' });
      expect(fieldsOf(item)).toEqual(['itemCode']);
    });

    it('answers 401 without a token', async () => {
      expect((await h.call('GET', '/v1/deviations')).status).toBe(401);
    });
  });

  describe('sampling tasks', () => {
    it('lists tasks with inspectors and seed to a regulator, filtered by company and status', async () => {
      const page = pageSchema(taskViewSchema).parse(
        (
          await expectStatus(
            h.call('GET', `/v1/sampling-tasks?companyId=${COMPANY_A}&status=open`, { as: 'regulator' }),
            200,
          )
        ).json,
      );
      expect(page.items).toEqual([
        expect.objectContaining({ id: task.id, inspectors: task.inspectors, seed: task.seed }),
      ]);
      const closed = pageSchema(taskViewSchema).parse(
        (await h.call('GET', '/v1/sampling-tasks?status=completed', { as: 'regulator' })).json,
      );
      expect(closed.items).toEqual([]);
      const bad = await h.call('GET', '/v1/sampling-tasks?status=done', { as: 'regulator' });
      expect(fieldsOf(bad)).toEqual(['status']);
    });

    it('answers one task, and 404 for an unknown one', async () => {
      const one = await expectStatus(
        h.call('GET', `/v1/sampling-tasks/${task.id}`, { as: 'regulator' }),
        200,
      );
      expect(taskViewSchema.parse(one.json).id).toBe(task.id);
      const unknown = await h.call('GET', '/v1/sampling-tasks/TK-NONE', { as: 'regulator' });
      expect(unknown.status).toBe(404);
    });

    it('refuses enterprises with 403 ACCESS.ROLE', async () => {
      const response = await h.call('GET', '/v1/sampling-tasks', { as: 'enterpriseA' });
      expect(response.status).toBe(403);
      expect(errorOf(response).code).toBe('ACCESS.ROLE');
    });

    it('re-runs the draw here and on the ledger, and both reproduce the stored inspectors', async () => {
      const response = await expectStatus(
        h.call('GET', `/v1/sampling-tasks/${task.id}/verify`, { as: 'regulator' }),
        200,
      );
      const check = drawVerificationSchema.parse(response.json);
      expect(check).toMatchObject({ taskId: task.id, seed: task.seed, seedMatches: true, valid: true });
      expect(check.redrawn).toEqual(task.inspectors);
      expect(check.ledger).toMatchObject({ valid: true, redrawn: task.inspectors });
      expect(task.inspectors).not.toContain('INS-FZ-01'); // same county as the company: excluded (回避)
      expect(task.inspectors).not.toContain('INS-NP-01'); // inactive
    });

    it('answers 404 TASK.NOT_FOUND when verifying an unknown task', async () => {
      const response = await h.call('GET', '/v1/sampling-tasks/TK-NONE/verify', { as: 'regulator' });
      expect(response.status).toBe(404);
      expect(errorOf(response).code).toBe('TASK.NOT_FOUND');
    });
  });

  describe('GET /v1/stats', () => {
    it('answers the read model’s figures to a regulator and refuses an enterprise', async () => {
      h.readModel.statsView = { ...h.readModel.statsView, batches: 4, failures: 1, failRate: 0.25 };
      const stats = statsViewSchema.parse(
        (await expectStatus(h.call('GET', '/v1/stats', { as: 'regulator' }), 200)).json,
      );
      expect(stats).toMatchObject({ batches: 4, failures: 1, failRate: 0.25 });
      expect((await h.call('GET', '/v1/stats', { as: 'enterpriseB' })).status).toBe(403);
    });
  });

  describe('GET /v1/items', () => {
    it('lists the catalogue with limits, standards and effective dates to any authenticated caller', async () => {
      const response = await expectStatus(h.call('GET', '/v1/items', { as: 'enterpriseB' }), 200);
      const { items } = z.object({ items: z.array(catalogueItemSchema) }).parse(response.json);
      const procymidone = items.find((i) => i.itemCode === 'procymidone');
      expect(procymidone).toMatchObject({
        nameZh: '腐霉利',
        kind: 'chemical',
        unit: 'mg/kg',
        limitType: 'max',
      });
      expect(procymidone?.limits.filter((l) => l.category === 'leek')).toEqual([
        {
          category: 'leek',
          limit: 0.2,
          unit: 'mg/kg',
          standard: 'GB 2763-2021',
          effectiveFrom: '2021-09-03',
          effectiveTo: '2023-05-11',
        },
        {
          category: 'leek',
          limit: 5,
          unit: 'mg/kg',
          standard: 'GB 2763.1-2022',
          effectiveFrom: '2023-05-11',
        },
      ]);
      const salmonella = items.find((i) => i.itemCode === 'salmonella');
      expect(salmonella).toMatchObject({ kind: 'pathogen', unit: null });
    });

    it('answers one item, 404 for an unknown code, and 401 without a token', async () => {
      const one = await expectStatus(h.call('GET', '/v1/items/lead', { as: 'regulator' }), 200);
      expect(catalogueItemSchema.parse(one.json).itemCode).toBe('lead');
      const unknown = await h.call('GET', '/v1/items/unobtainium', { as: 'regulator' });
      expect(unknown.status).toBe(404);
      expect(errorOf(unknown).code).toBe('ITEM.NOT_FOUND');
      expect((await h.call('GET', '/v1/items')).status).toBe(401);
    });
  });
});
