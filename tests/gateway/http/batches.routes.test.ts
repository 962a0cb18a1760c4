import { createHash } from 'node:crypto';

import {
  anchoredRecordSchema,
  batchViewSchema,
  batchWriteSchema,
  pageSchema,
  recallWriteSchema,
  writeAckSchema,
} from '../../../gateway/http/api.schemas';
import { canonicalJson } from '../../../src/records/canonical-json';
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

const LEEK = { companyId: COMPANY_A, productCode: 'LEEK-500G', batchNo: 'L20240520' };
const leekPath = `/v1/batches/${COMPANY_A}/LEEK-500G/L20240520`;

function batchBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...LEEK,
    gtin: '6901234567892',
    productName: '韭菜 500 g',
    productionDate: '2024-05-20',
    quantity: 1200,
    ...overrides,
  };
}

describe('party routes', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it('registers a company (201), answers an identical registration with 200, and reads it back', async () => {
    const body = { companyId: COMPANY_A, name: '福州闽江食品有限公司', region: '350102' };
    const first = writeAckSchema.parse(
      (await expectStatus(h.call('POST', '/v1/companies', { as: 'regulator', body }), 201)).json,
    );
    expect(first.id).toBe(COMPANY_A);
    const again = writeAckSchema.parse(
      (await expectStatus(h.call('POST', '/v1/companies', { as: 'regulator', body }), 200)).json,
    );
    expect(again).toEqual(first);
    const read = await expectStatus(h.call('GET', `/v1/companies/${COMPANY_A}`, { as: 'enterpriseB' }), 200);
    expect(read.json).toMatchObject({ companyId: COMPANY_A, region: '350102', anchor: { txId: first.txId } });
  });

  it('names the region when it is not a 6-digit administrative code', async () => {
    const response = await h.call('POST', '/v1/companies', {
      as: 'regulator',
      body: { companyId: COMPANY_B, name: 'B', region: '3301' },
    });
    expect(response.status).toBe(400);
    expect(fieldsOf(response)).toEqual(['region']);
  });

  it('refuses an enterprise registering a company with 403 ACCESS.ROLE', async () => {
    const response = await h.call('POST', '/v1/companies', {
      as: 'enterpriseA',
      body: { companyId: COMPANY_A, name: 'self-registered', region: '350102' },
    });
    expect(response.status).toBe(403);
    expect(errorOf(response).code).toBe('ACCESS.ROLE');
  });

  it('answers 404 for a company never registered', async () => {
    const response = await h.call('GET', `/v1/companies/${COMPANY_B}`, { as: 'regulator' });
    expect(response.status).toBe(404);
    expect(errorOf(response).code).toBe('COMPANY.NOT_FOUND');
  });

  it('registers inspectors and lists the pool to a regulator only', async () => {
    const ack = await expectStatus(
      h.call('POST', '/v1/inspectors', {
        as: 'regulator',
        body: { inspectorId: 'INS-XM-01', name: '陈二', region: '350203' },
      }),
      201,
    );
    expect(writeAckSchema.parse(ack.json).id).toBe('INS-XM-01');
    const pool = await expectStatus(h.call('GET', '/v1/inspectors', { as: 'regulator' }), 200);
    const items = pageSchema(anchoredRecordSchema.partial({ id: true })).parse(pool.json).items;
    expect(items.map((i) => i.inspectorId)).toEqual(['INS-XM-01']);
    expect((await h.call('GET', '/v1/inspectors', { as: 'enterpriseA' })).status).toBe(403);
    const bad = await h.call('POST', '/v1/inspectors', {
      as: 'regulator',
      body: { inspectorId: 'X', name: '' },
    });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual(['name', 'region']);
  });
});

describe('batch and recall routes', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await seedParties(h);
  });

  afterAll(async () => {
    await h.close();
  });

  describe('POST /v1/batches', () => {
    it('registers a batch of the caller’s company (201) and answers the same again with 200', async () => {
      const first = batchWriteSchema.parse(
        (await expectStatus(h.call('POST', '/v1/batches', { as: 'enterpriseA', body: batchBody() }), 201))
          .json,
      );
      expect(first).toMatchObject({
        id: `${COMPANY_A}/LEEK-500G/L20240520`,
        changed: true,
        batch: { ...LEEK, gtin: '06901234567892', status: 'active', locks: [] },
      });
      const again = batchWriteSchema.parse(
        (await expectStatus(h.call('POST', '/v1/batches', { as: 'enterpriseA', body: batchBody() }), 200))
          .json,
      );
      expect(again).toMatchObject({ changed: false, txId: first.txId });
    });

    it('refuses different details for a registered batch with 409', async () => {
      const response = await h.call('POST', '/v1/batches', {
        as: 'enterpriseA',
        body: batchBody({ quantity: 99 }),
      });
      expect(response.status).toBe(409);
      expect(errorOf(response).code).toBe('BATCH.CONFLICT');
    });

    it('refuses another company’s batch (403 ACCESS.COMPANY) and a regulator (403 ACCESS.ROLE), writing nothing', async () => {
      const before = h.height();
      const other = await h.call('POST', '/v1/batches', {
        as: 'enterpriseB',
        body: batchBody({ batchNo: 'B-FOR-A' }),
      });
      expect(other.status).toBe(403);
      expect(errorOf(other).code).toBe('ACCESS.COMPANY');
      const regulator = await h.call('POST', '/v1/batches', { as: 'regulator', body: batchBody() });
      expect(regulator.status).toBe(403);
      expect(errorOf(regulator).code).toBe('ACCESS.ROLE');
      expect(h.height()).toBe(before);
    });

    it('names quantity when it is not a positive whole number', async () => {
      const response = await h.call('POST', '/v1/batches', {
        as: 'enterpriseA',
        body: batchBody({ batchNo: 'L-Q', quantity: -2.5 }),
      });
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toContain('quantity');
    });
  });

  describe('GET /v1/batches/:companyId/:productCode/:batchNo', () => {
    it('answers any authenticated caller with status and lock history', async () => {
      const response = await expectStatus(h.call('GET', leekPath, { as: 'enterpriseB' }), 200);
      const batch = batchViewSchema.parse(response.json);
      expect(batch).toMatchObject({ ...LEEK, status: 'active', locks: [] });
      expect(batch.anchor.block).toEqual(expect.any(Number));
    });

    it('reads a product code holding a slash when it is percent-encoded', async () => {
      await expectStatus(
        h.call('POST', '/v1/batches', {
          as: 'enterpriseA',
          body: batchBody({ productCode: 'LEEK/1KG', batchNo: 'L/7' }),
        }),
        201,
      );
      const response = await expectStatus(
        h.call('GET', `/v1/batches/${COMPANY_A}/LEEK%2F1KG/L%2F7`, { as: 'regulator' }),
        200,
      );
      expect(response.json).toMatchObject({ productCode: 'LEEK/1KG', batchNo: 'L/7' });
    });

    it('answers 404 for an unknown batch and 400 naming a malformed company id', async () => {
      const unknown = await h.call('GET', `/v1/batches/${COMPANY_A}/LEEK-500G/NOPE`, { as: 'regulator' });
      expect(unknown.status).toBe(404);
      expect(errorOf(unknown).code).toBe('BATCH.NOT_FOUND');
      const malformed = await h.call('GET', '/v1/batches/NOT-A-CODE/LEEK-500G/L1', { as: 'regulator' });
      expect(malformed.status).toBe(400);
      expect(fieldsOf(malformed)).toEqual(['companyId']);
    });

    it('answers 401 without a token', async () => {
      expect((await h.call('GET', leekPath)).status).toBe(401);
    });
  });

  describe('lock and unlock', () => {
    it('locks a batch for a regulator, the Idempotency-Key becoming the action id', async () => {
      const response = await expectStatus(
        h.call('POST', `${leekPath}/lock`, {
          as: 'regulator',
          body: { reason: 'procymidone above limit in official sample' },
          headers: { 'Idempotency-Key': 'LK-0001' },
        }),
        200,
      );
      const result = batchWriteSchema.parse(response.json);
      expect(result.changed).toBe(true);
      expect(result.batch.status).toBe('locked');
      expect(result.batch.locks).toEqual([
        expect.objectContaining({
          action: 'lock',
          actionId: 'LK-0001',
          txId: result.txId,
          mspId: 'RegulatorMSP',
        }),
      ]);
      const replay = batchWriteSchema.parse(
        (
          await expectStatus(
            h.call('POST', `${leekPath}/lock`, {
              as: 'regulator',
              body: { reason: 'procymidone above limit in official sample' },
              headers: { 'Idempotency-Key': 'LK-0001' },
            }),
            200,
          )
        ).json,
      );
      expect(replay.changed).toBe(false);
      expect(replay.batch.locks).toHaveLength(1);
    });

    it('names reason when it is missing', async () => {
      const response = await h.call('POST', `${leekPath}/lock`, { as: 'regulator', body: {} });
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toEqual(['reason']);
    });

    it('refuses an enterprise (ACCESS.ROLE) and another company’s recall coordinator (ACCESS.COMPANY)', async () => {
      const enterprise = await h.call('POST', `${leekPath}/lock`, {
        as: 'enterpriseA',
        body: { reason: 'x' },
      });
      expect(enterprise.status).toBe(403);
      expect(errorOf(enterprise).code).toBe('ACCESS.ROLE');
      const foreign = await h.call('POST', `/v1/batches/${COMPANY_B}/TEA/T1/lock`, {
        as: 'recallA',
        body: { reason: 'not ours' },
      });
      expect(foreign.status).toBe(403);
      expect(errorOf(foreign).code).toBe('ACCESS.COMPANY');
    });

    it('unlocks for a regulator only, and answers 409 when the batch is no longer locked', async () => {
      const recall = await h.call('POST', `${leekPath}/unlock`, {
        as: 'recall',
        body: { reason: 'cleared' },
      });
      expect(recall.status).toBe(403);
      expect(errorOf(recall).code).toBe('ACCESS.ROLE');
      const released = batchWriteSchema.parse(
        (
          await expectStatus(
            h.call('POST', `${leekPath}/unlock`, { as: 'regulator', body: { reason: 'cleared' } }),
            200,
          )
        ).json,
      );
      expect(released.batch.status).toBe('released');
      expect(released.batch.locks.map((l) => l.action)).toEqual(['lock', 'unlock']);
      const again = await h.call('POST', `${leekPath}/unlock`, {
        as: 'regulator',
        body: { reason: 'again' },
      });
      expect(again.status).toBe(409);
      expect(errorOf(again).code).toBe('BATCH.NOT_LOCKED');
    });

    it('lets a company’s own recall coordinator lock its batch', async () => {
      const response = await expectStatus(
        h.call('POST', `${leekPath}/lock`, {
          as: 'recallA',
          body: { reason: 'own decision', actionId: 'LK-A-1' },
        }),
        200,
      );
      expect(batchWriteSchema.parse(response.json).batch.status).toBe('locked');
    });
  });

  describe('POST /v1/recalls', () => {
    const recall = {
      batches: [{ companyId: COMPANY_A, productCode: 'LEEK-500G', batchNo: 'L20240520' }],
      level: 2,
      reason: 'procymidone above the GB 2763.1-2022 limit',
    };

    it('derives the recall id from the content, so an identical retry is a harmless 200', async () => {
      const expectedId = `RC-${createHash('sha256').update(canonicalJson(recall)).digest('hex').slice(0, 16)}`;
      const first = recallWriteSchema.parse(
        (await expectStatus(h.call('POST', '/v1/recalls', { as: 'recall', body: recall }), 201)).json,
      );
      expect(first).toMatchObject({ id: expectedId, changed: true, recall: { id: expectedId, level: 2 } });
      const retry = recallWriteSchema.parse(
        (await expectStatus(h.call('POST', '/v1/recalls', { as: 'recall', body: recall }), 200)).json,
      );
      expect(retry).toMatchObject({ id: expectedId, txId: first.txId, changed: false });
      const batch = batchViewSchema.parse((await h.call('GET', leekPath, { as: 'enterpriseA' })).json);
      expect(batch.status).toBe('recalled');
      expect(batch.recallIds).toEqual([expectedId]);
    });

    it('takes the recall id from Idempotency-Key when the body has none', async () => {
      const response = await expectStatus(
        h.call('POST', '/v1/recalls', {
          as: 'regulator',
          body: { ...recall, level: 1 },
          headers: { 'Idempotency-Key': 'RC-KEY-0001' },
        }),
        201,
      );
      expect(recallWriteSchema.parse(response.json).id).toBe('RC-KEY-0001');
    });

    it('answers 409 RECALL.CONFLICT for different content under a recall id already used', async () => {
      const response = await h.call('POST', '/v1/recalls', {
        as: 'regulator',
        body: { ...recall, recallId: 'RC-KEY-0001', level: 3 },
      });
      expect(response.status).toBe(409);
      expect(errorOf(response).code).toBe('RECALL.CONFLICT');
    });

    it('refuses an enterprise (ACCESS.ROLE) and a company recall coordinator recalling another company (ACCESS.COMPANY)', async () => {
      const enterprise = await h.call('POST', '/v1/recalls', { as: 'enterpriseA', body: recall });
      expect(enterprise.status).toBe(403);
      expect(errorOf(enterprise).code).toBe('ACCESS.ROLE');
      const before = h.height();
      const foreign = await h.call('POST', '/v1/recalls', {
        as: 'recallA',
        body: { ...recall, batches: [{ companyId: COMPANY_B, productCode: 'TEA', batchNo: 'T1' }] },
      });
      expect(foreign.status).toBe(403);
      expect(errorOf(foreign).code).toBe('ACCESS.COMPANY');
      expect(fieldsOf(foreign)).toEqual(['batches.0.companyId']);
      expect(h.height()).toBe(before);
    });

    it('names level when it is not 1, 2 or 3, and a batch listed twice', async () => {
      const level = await h.call('POST', '/v1/recalls', { as: 'recall', body: { ...recall, level: 4 } });
      expect(level.status).toBe(400);
      expect(fieldsOf(level)).toEqual(['level']);
      const twice = await h.call('POST', '/v1/recalls', {
        as: 'recall',
        body: { ...recall, batches: [...recall.batches, ...recall.batches] },
      });
      expect(twice.status).toBe(400);
      expect(fieldsOf(twice)).toEqual(['batches.1']);
    });
  });
});
