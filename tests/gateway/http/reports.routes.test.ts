import { creditCodeCheckCharacter } from '../../../src/identifiers/credit-code.identifier';
import { anchoredRecordSchema, writeAckSchema } from '../../../gateway/http/api.schemas';
import { LedgerUnavailableError } from '../../../gateway/ledger/ledger.errors';
import { leekOfficial, leekSelfTest } from '../../chaincode/ledger.fixture';
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

/** A well-formed credit code no regulator has registered. */
const UNREGISTERED = `91110000MA01ABCD0${creditCodeCheckCharacter('91110000MA01ABCD0')}`;

describe('self-test and official result routes', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await seedParties(h);
  });

  afterAll(async () => {
    await h.close();
  });

  afterEach(() => {
    h.ledger.outage = undefined;
    h.ledger.conflicts = 0;
  });

  describe('POST /v1/self-tests', () => {
    const selfTestId = `ST-${COMPANY_A}-ST-2024-0001`;

    it('records a self-test report and answers 201 with its id once committed', async () => {
      const before = h.height();
      const response = await expectStatus(
        h.call('POST', '/v1/self-tests', { as: 'enterpriseA', body: leekSelfTest() }),
        201,
      );
      const ack = writeAckSchema.parse(response.json);
      expect(ack.id).toBe(selfTestId);
      expect(h.height()).toBe(before + 1);
      expect(h.ledger.committed.has(ack.txId)).toBe(true);
    });

    it('answers an identical re-post with 200, the same id and the stored transaction', async () => {
      const first = await h.call('GET', `/v1/self-tests/${selfTestId}`, { as: 'enterpriseA' });
      const stored = anchoredRecordSchema.parse(first.json);
      const again = await expectStatus(
        h.call('POST', '/v1/self-tests', { as: 'enterpriseA', body: leekSelfTest() }),
        200,
      );
      expect(writeAckSchema.parse(again.json)).toEqual({ id: selfTestId, txId: stored.anchor.txId });
    });

    it('refuses a different report under the same number with 409 REPORT.CONFLICT and writes nothing', async () => {
      const before = h.height();
      const changed = leekSelfTest({}, [
        { itemCode: 'procymidone', value: 1.2, unit: 'mg/kg', verdict: 'pass' },
      ]);
      const response = await h.call('POST', '/v1/self-tests', { as: 'enterpriseA', body: changed });
      expect(response.status).toBe(409);
      expect(errorOf(response).code).toBe('REPORT.CONFLICT');
      expect(fieldsOf(response)).toEqual(['reportNo']);
      expect(h.height()).toBe(before);
    });

    it('answers 400 naming the field for a wrong credit-code check character, and writes nothing', async () => {
      const before = h.height();
      const attempts = h.ledger.submitAttempts;
      const response = await h.call('POST', '/v1/self-tests', {
        as: 'enterpriseA',
        body: leekSelfTest({ reportNo: 'ST-BAD-1', companyId: '91350100M000100Y44' }),
      });
      expect(response.status).toBe(400);
      expect(errorOf(response).code).toBe('INPUT.INVALID');
      expect(fieldsOf(response)).toEqual(['companyId']);
      expect(errorOf(response).message).toContain('companyId');
      expect(h.height()).toBe(before);
      expect(h.ledger.submitAttempts).toBe(attempts);
    });

    it('names a nested field: an item unit that cannot express the item', async () => {
      const response = await h.call('POST', '/v1/self-tests', {
        as: 'enterpriseA',
        body: leekSelfTest({ reportNo: 'ST-BAD-2' }, [
          { itemCode: 'procymidone', value: 0.5, unit: 'CFU/g', verdict: 'pass' },
        ]),
      });
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toContain('items.0.unit');
    });

    it('names an unknown item code and points at the catalogue', async () => {
      const response = await h.call('POST', '/v1/self-tests', {
        as: 'enterpriseA',
        body: leekSelfTest({ reportNo: 'ST-BAD-3' }, [
          { itemCode: 'unobtainium', value: 1, verdict: 'pass' },
        ]),
      });
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toContain('items.0.itemCode');
      expect(response.text).toContain('/v1/items');
    });

    it('refuses a self-test for another company with 403 ACCESS.COMPANY and writes nothing', async () => {
      const before = h.height();
      const response = await h.call('POST', '/v1/self-tests', {
        as: 'enterpriseB',
        body: leekSelfTest({ reportNo: 'ST-B-FOR-A' }),
      });
      expect(response.status).toBe(403);
      expect(errorOf(response).code).toBe('ACCESS.COMPANY');
      expect(fieldsOf(response)).toEqual(['companyId']);
      expect(h.height()).toBe(before);
    });

    it('refuses a regulator posting a self-test with 403 ACCESS.ROLE', async () => {
      const response = await h.call('POST', '/v1/self-tests', { as: 'regulator', body: leekSelfTest() });
      expect(response.status).toBe(403);
      expect(errorOf(response).code).toBe('ACCESS.ROLE');
    });

    it('answers 401 AUTH.REQUIRED without a token and 401 AUTH.INVALID for an unknown one', async () => {
      const missing = await h.call('POST', '/v1/self-tests', { body: leekSelfTest() });
      expect(missing.status).toBe(401);
      expect(errorOf(missing).code).toBe('AUTH.REQUIRED');
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      const unknown = await h.call('POST', '/v1/self-tests', {
        authorization: 'Bearer not-a-known-token',
        body: leekSelfTest(),
      });
      expect(unknown.status).toBe(401);
      expect(errorOf(unknown).code).toBe('AUTH.INVALID');
      const basic = await h.call('GET', '/v1/items', { authorization: 'Basic dXNlcjpwYXNz' });
      expect(basic.status).toBe(401);
    });

    it('answers 400 INPUT.NOT_JSON for a malformed body and for a body not sent as JSON', async () => {
      const malformed = await h.call('POST', '/v1/self-tests', {
        as: 'enterpriseA',
        rawBody: '{"reportNo":',
      });
      expect(malformed.status).toBe(400);
      expect(errorOf(malformed).code).toBe('INPUT.NOT_JSON');
      const text = await h.call('POST', '/v1/self-tests', {
        as: 'enterpriseA',
        rawBody: 'reportNo=1',
        contentType: 'text/plain',
      });
      expect(text.status).toBe(400);
      expect(errorOf(text).code).toBe('INPUT.NOT_JSON');
      const list = await h.call('POST', '/v1/self-tests', { as: 'enterpriseA', body: [leekSelfTest()] });
      expect(list.status).toBe(400);
      expect(fieldsOf(list)).toEqual(['(body)']);
    });

    it('answers 413 for a body over the limit and writes nothing', async () => {
      const before = h.height();
      const huge = leekSelfTest({ reportNo: 'ST-HUGE', lab: { name: 'x'.repeat(300_000) } });
      const response = await h.call('POST', '/v1/self-tests', { as: 'enterpriseA', body: huge });
      expect(response.status).toBe(413);
      expect(errorOf(response).code).toBe('INPUT.TOO_LARGE');
      expect(h.height()).toBe(before);
    });

    it('answers 503 with Retry-After when the ledger cannot be reached', async () => {
      h.ledger.outage = new LedgerUnavailableError('peer unreachable', 7);
      const response = await h.call('POST', '/v1/self-tests', {
        as: 'enterpriseA',
        body: leekSelfTest({ reportNo: 'ST-DOWN' }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(errorOf(response).code).toBe('LEDGER.UNAVAILABLE');
    });

    it('retries MVCC conflicts with backoff and commits once they clear', async () => {
      h.ledger.conflicts = 2;
      const attempts = h.ledger.submitAttempts;
      const response = await h.call('POST', '/v1/self-tests', {
        as: 'enterpriseA',
        body: leekSelfTest({ reportNo: 'ST-RETRIED' }),
      });
      expect(response.status).toBe(201);
      expect(h.ledger.submitAttempts - attempts).toBe(3);
    });
  });

  describe('GET /v1/self-tests/:id', () => {
    const id = `ST-${COMPANY_A}-ST-2024-0001`;

    it('answers the record with its ledger anchor and block to its company', async () => {
      const response = await expectStatus(h.call('GET', `/v1/self-tests/${id}`, { as: 'enterpriseA' }), 200);
      const record = anchoredRecordSchema.parse(response.json);
      expect(record).toMatchObject({
        id,
        docType: 'SelfTestReport',
        companyId: COMPANY_A,
        batchNo: 'L20240520',
      });
      expect(record.anchor.block).toBe(h.ledger.committed.get(record.anchor.txId));
      expect(record.anchor.block).toEqual(expect.any(Number));
      expect(record.anchor.mspId).toBe('EnterpriseMSP');
    });

    it('answers a regulator too', async () => {
      await expectStatus(h.call('GET', `/v1/self-tests/${id}`, { as: 'regulator' }), 200);
    });

    it('lets the chaincode refuse another company with 403 ACCESS.COMPANY', async () => {
      const response = await h.call('GET', `/v1/self-tests/${id}`, { as: 'enterpriseB' });
      expect(response.status).toBe(403);
      expect(errorOf(response).code).toBe('ACCESS.COMPANY');
    });

    it('answers 404 for an unknown report', async () => {
      const response = await h.call('GET', `/v1/self-tests/ST-${COMPANY_A}-NOPE`, { as: 'enterpriseA' });
      expect(response.status).toBe(404);
      expect(errorOf(response).code).toBe('SELF_TEST.NOT_FOUND');
    });

    it('answers 401 without a token', async () => {
      expect((await h.call('GET', `/v1/self-tests/${id}`)).status).toBe(401);
    });
  });

  describe('official results', () => {
    const id = 'OR-DC24350100001';

    it('records an official result for a regulator (201) and answers a re-post with 200', async () => {
      const first = await expectStatus(
        h.call('POST', '/v1/official-results', { as: 'regulator', body: leekOfficial() }),
        201,
      );
      const ack = writeAckSchema.parse(first.json);
      expect(ack.id).toBe(id);
      const again = await expectStatus(
        h.call('POST', '/v1/official-results', { as: 'regulator', body: leekOfficial() }),
        200,
      );
      expect(writeAckSchema.parse(again.json)).toEqual(ack);
    });

    it('refuses a different result under the same sampling number with 409', async () => {
      const response = await h.call('POST', '/v1/official-results', {
        as: 'regulator',
        body: leekOfficial({ samplingType: 'risk-monitoring' }),
      });
      expect(response.status).toBe(409);
      expect(errorOf(response).code).toBe('REPORT.CONFLICT');
    });

    it('refuses an enterprise with 403 ACCESS.ROLE', async () => {
      const response = await h.call('POST', '/v1/official-results', {
        as: 'enterpriseA',
        body: leekOfficial({ samplingNo: 'DC-ENT' }),
      });
      expect(response.status).toBe(403);
      expect(errorOf(response).code).toBe('ACCESS.ROLE');
    });

    it('names samplingType when it is not one of the four', async () => {
      const response = await h.call('POST', '/v1/official-results', {
        as: 'regulator',
        body: leekOfficial({ samplingNo: 'DC-BAD', samplingType: 'random' }),
      });
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toEqual(['samplingType']);
    });

    it('answers 404 COMPANY.NOT_FOUND for a company never registered', async () => {
      const response = await h.call('POST', '/v1/official-results', {
        as: 'regulator',
        body: leekOfficial({ samplingNo: 'DC-NOCO', companyId: UNREGISTERED }),
      });
      expect(response.status).toBe(404);
      expect(errorOf(response).code).toBe('COMPANY.NOT_FOUND');
    });

    it('answers the result with its anchor to the company concerned and refuses another', async () => {
      const own = await expectStatus(h.call('GET', `/v1/official-results/${id}`, { as: 'enterpriseA' }), 200);
      const record = anchoredRecordSchema.parse(own.json);
      expect(record).toMatchObject({ id, docType: 'OfficialResult', samplingType: 'supervision' });
      expect(record.anchor.block).toEqual(expect.any(Number));
      const other = await h.call('GET', `/v1/official-results/${id}`, { as: 'enterpriseB' });
      expect(other.status).toBe(403);
      expect(errorOf(other).code).toBe('ACCESS.COMPANY');
    });
  });

  it('lets the chaincode refuse a forged regulator whose certificate is not a regulator’s', async () => {
    const before = h.height();
    const response = await h.call('POST', '/v1/companies', {
      as: 'forger',
      body: { companyId: COMPANY_B, name: 'renamed by a forger', region: '330106' },
    });
    expect(response.status).toBe(403);
    expect(errorOf(response).code).toBe('ACCESS.ROLE');
    expect(h.height()).toBe(before);
  });
});
