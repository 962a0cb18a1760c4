import { drawSeed } from '../../src/draw/random-draw';
import type {
  BatchRecord,
  CodeInfoRecord,
  DeviationRecord,
  OfficialResultRecord,
  SamplingTaskRecord,
  SelfTestRecord,
} from '../../src/records/ledger.records';
import type { DrawVerification } from '../../src/draw/draw.verification';
import type { RecordReceipt } from '../../chaincode/tx.context';
import { claimFor } from './deviation.claims';
import { COMPANY_A, COMPANY_B, REGION_A, TestLedger, leekOfficial, leekSelfTest } from './ledger.fixture';

interface Written<T> {
  record: T;
  changed: boolean;
}

const OFFICIAL_ID = 'OR-DC24350100001';
const SELF_ID = `ST-${COMPANY_A}-ST-2024-0001`;

describe('InspectionContract', () => {
  let ledger: TestLedger;

  beforeEach(async () => {
    ledger = new TestLedger();
    await ledger.seedParties();
  });

  describe('reports', () => {
    it('judges procymidone in leek against 0.2 mg/kg before 2023-05-11 and 5 mg/kg from that day', async () => {
      const item = [{ itemCode: 'procymidone', value: 0.5, unit: 'mg/kg', verdict: 'pass' }];
      const before = await ledger.submit<Written<RecordReceipt>>(
        'regulator',
        'SubmitOfficialResult',
        leekOfficial({ samplingNo: 'DC23-0510', sampledAt: '2023-05-10T09:00:00+08:00' }, item),
      );
      const from = await ledger.submit<Written<RecordReceipt>>(
        'regulator',
        'SubmitOfficialResult',
        leekOfficial({ samplingNo: 'DC23-0511', sampledAt: '2023-05-11T09:00:00+08:00' }, item),
      );
      const stored = async (id: string) =>
        ledger.evaluate<OfficialResultRecord>('regulator', 'GetOfficialResult', id);
      expect((await stored(before.record.id)).items[0]!.judgement).toMatchObject({
        verdict: 'fail',
        limit: '0.2',
        basis: 'GB 2763-2021',
      });
      expect((await stored(from.record.id)).items[0]!.judgement).toMatchObject({
        verdict: 'pass',
        limit: '5',
        basis: 'GB 2763.1-2022',
      });
    });

    it('answers a receipt of the stored report for an identical re-post and refuses a different one under the same number', async () => {
      const first = await ledger.submit<Written<RecordReceipt>>(
        'enterpriseA',
        'SubmitSelfTest',
        leekSelfTest(),
      );
      const again = await ledger.submit<Written<RecordReceipt>>(
        'enterpriseA',
        'SubmitSelfTest',
        leekSelfTest(),
      );
      const conflict = await ledger.refused(
        'enterpriseA',
        'SubmitSelfTest',
        leekSelfTest({}, [{ itemCode: 'procymidone', value: 0.7, unit: 'mg/kg', verdict: 'pass' }]),
      );

      expect(first).toEqual({ changed: true, record: { id: SELF_ID, anchor: expect.any(Object) as object } });
      expect(again.changed).toBe(false);
      expect(again.record.anchor.txId).toBe(first.record.anchor.txId);
      expect(conflict.code).toBe('REPORT.CONFLICT');
      expect(conflict.details?.[0]?.path).toBe('reportNo');
      const stored = await ledger.evaluate<SelfTestRecord>('regulator', 'GetSelfTest', SELF_ID);
      expect(stored.items[0]!.value).toBe(0.8);
    });

    it('records who wrote a report and when, from the transaction itself', async () => {
      const { record } = await ledger.submit<Written<RecordReceipt>>(
        'enterpriseA',
        'SubmitSelfTest',
        leekSelfTest(),
      );
      expect(record.anchor.mspId).toBe('EnterpriseMSP');
      expect(record.anchor.by).toContain('CN=lab-a');
      expect(record.anchor.txId).toMatch(/^[0-9a-f]{64}$/);
      expect(record.anchor.at).toMatch(/^2024-06-01T08:\d\d:00\.000Z$/);
    });

    it('refuses a self-test for another company and writes nothing', async () => {
      const height = ledger.peer.height;
      const refusal = await ledger.refused('enterpriseB', 'SubmitSelfTest', leekSelfTest());
      expect(refusal.code).toBe('ACCESS.COMPANY');
      expect(ledger.peer.height).toBe(height);
    });

    it('names the field of bad input and writes nothing', async () => {
      const height = ledger.peer.height;
      const refusal = await ledger.refused(
        'enterpriseA',
        'SubmitSelfTest',
        leekSelfTest({}, [{ itemCode: 'procymidone', value: -1, unit: 'mg/kg', verdict: 'pass' }]),
      );
      expect(refusal.code).toBe('INPUT.INVALID');
      expect(refusal.details?.map((d) => d.path)).toContain('items.0.value');
      expect(ledger.peer.height).toBe(height);
    });

    it('refuses a payload that is not JSON with a stable code', async () => {
      const refusal = await ledger.refused('enterpriseA', 'SubmitSelfTest', '{not json');
      expect(refusal.code).toBe('INPUT.NOT_JSON');
    });

    it('refuses a report for a company no regulator has registered', async () => {
      const refusal = await ledger.refused(
        'regulator',
        'SubmitOfficialResult',
        leekOfficial({ companyId: '91110105MA01B2C3DL' }),
      );
      expect(refusal.code).toBe('COMPANY.NOT_FOUND');
    });

    it('lets a company read its own reports but not another company', async () => {
      await ledger.submit('enterpriseA', 'SubmitSelfTest', leekSelfTest());
      await expect(ledger.evaluate('enterpriseA', 'GetSelfTest', SELF_ID)).resolves.toMatchObject({
        id: SELF_ID,
      });
      const refusal = await ledger.evaluate('enterpriseB', 'GetSelfTest', SELF_ID).catch((e: unknown) => e);
      expect((refusal as Error).message).toContain('ACCESS.COMPANY');
    });
  });

  describe('deviations', () => {
    it('records a deviation only when the claim agrees with the rules', async () => {
      await ledger.submit('enterpriseA', 'SubmitSelfTest', leekSelfTest());
      await ledger.submit(
        'regulator',
        'SubmitOfficialResult',
        leekOfficial({}, [{ itemCode: 'procymidone', value: 6, unit: 'mg/kg', verdict: 'fail' }]),
      );
      const claim = await claimFor(ledger, OFFICIAL_ID, 'procymidone');
      expect(claim).toMatchObject({ selfTestId: SELF_ID, severity: 'critical', rule: 'verdict-conflict' });

      const wrong = await ledger.refused('regulator', 'RecordDeviation', {
        ...claim,
        severity: 'warning',
        rule: 'horwitz-z',
      });
      expect(wrong.code).toBe('DEVIATION.MISMATCH');

      const { record } = await ledger.submit<Written<DeviationRecord>>('regulator', 'RecordDeviation', claim);
      expect(record).toMatchObject({
        id: `DV-${OFFICIAL_ID}-procymidone`,
        severity: 'critical',
        rule: 'verdict-conflict',
        officialVerdict: 'fail',
        selfVerdict: 'pass',
        officialValue: '6',
        selfValue: '0.8',
        revision: 1,
      });
      expect(ledger.lastEvent()).toMatchObject({
        name: 'RecordDeviation',
        payload: { id: record.id, severity: 'critical', changed: true },
      });
    });

    it('computes the Horwitz z between two passing results', async () => {
      await ledger.submit(
        'enterpriseA',
        'SubmitSelfTest',
        leekSelfTest({}, [{ itemCode: 'procymidone', value: 0.5, verdict: 'pass' }]),
      );
      await ledger.submit(
        'regulator',
        'SubmitOfficialResult',
        leekOfficial({}, [{ itemCode: 'procymidone', value: 2, verdict: 'pass' }]),
      );
      const claim = await claimFor(ledger, OFFICIAL_ID, 'procymidone');
      const { record } = await ledger.submit<Written<DeviationRecord>>('regulator', 'RecordDeviation', claim);
      expect(record.severity).toBe('high');
      expect(record.rule).toBe('horwitz-z');
      expect(record.metrics.z).toBeGreaterThan(3);
    });

    it('refuses a deviation claimed against a reference that is not the best committed one', async () => {
      await ledger.submit('enterpriseA', 'SubmitSelfTest', leekSelfTest());
      await ledger.submit('regulator', 'SubmitOfficialResult', leekOfficial());
      const refusal = await ledger.refused('regulator', 'RecordDeviation', {
        officialResultId: OFFICIAL_ID,
        itemCode: 'procymidone',
        selfTestId: null,
        severity: null,
        rule: null,
      });
      expect(refusal.code).toBe('DEVIATION.REFERENCE_MISMATCH');
    });

    it('follows a better reference that arrives later and keeps the earlier comparison in key history', async () => {
      await ledger.submit(
        'enterpriseA',
        'SubmitSelfTest',
        leekSelfTest({ reportNo: 'ST-2024-0000', batchNo: 'L20240510', productionDate: '2024-05-10' }, [
          { itemCode: 'procymidone', value: 0.2, verdict: 'pass' },
        ]),
      );
      await ledger.submit(
        'regulator',
        'SubmitOfficialResult',
        leekOfficial({}, [{ itemCode: 'procymidone', value: 2, verdict: 'pass' }]),
      );
      const first = await ledger.submit<Written<DeviationRecord>>(
        'regulator',
        'RecordDeviation',
        await claimFor(ledger, OFFICIAL_ID, 'procymidone'),
      );
      expect(first.record).toMatchObject({
        selfTestId: `ST-${COMPANY_A}-ST-2024-0000`,
        severity: 'high',
        revision: 1,
      });

      await ledger.submit(
        'enterpriseA',
        'SubmitSelfTest',
        leekSelfTest({}, [{ itemCode: 'procymidone', value: 1.9, verdict: 'pass' }]),
      );
      const second = await ledger.submit<Written<DeviationRecord>>(
        'regulator',
        'RecordDeviation',
        await claimFor(ledger, OFFICIAL_ID, 'procymidone'),
      );
      expect(second.record).toMatchObject({ selfTestId: SELF_ID, severity: null, rule: null, revision: 2 });

      const history = await ledger.evaluate<{ value: DeviationRecord }[]>(
        'regulator',
        'GetHistory',
        'deviation',
        JSON.stringify([first.record.id]),
      );
      // Fabric returns key history newest first.
      expect(history.map((h) => h.value.severity)).toEqual([null, 'high']);
    });

    it('ends in the same deviation whichever order the records arrive in', async () => {
      const sameBatch = leekSelfTest({}, [{ itemCode: 'procymidone', value: 0.4, verdict: 'pass' }]);
      const nearBatch = leekSelfTest(
        { reportNo: 'ST-2024-0002', batchNo: 'L20240515', productionDate: '2024-05-15' },
        [{ itemCode: 'procymidone', value: 1.5, verdict: 'pass' }],
      );
      const official = leekOfficial({}, [{ itemCode: 'procymidone', value: 1.6, verdict: 'pass' }]);
      const orders: [string, Record<string, unknown>][][] = [
        [
          ['SubmitSelfTest', sameBatch],
          ['SubmitSelfTest', nearBatch],
          ['SubmitOfficialResult', official],
        ],
        [
          ['SubmitOfficialResult', official],
          ['SubmitSelfTest', nearBatch],
          ['SubmitSelfTest', sameBatch],
        ],
      ];
      const outcomes: unknown[] = [];
      for (const order of orders) {
        const run = new TestLedger();
        await run.seedParties();
        for (const [fcn, payload] of order) {
          await run.submit(fcn === 'SubmitOfficialResult' ? 'regulator' : 'enterpriseA', fcn, payload);
          // A gateway re-checks after every arrival; before the official result there is nothing to compare.
          if (fcn === 'SubmitSelfTest' && order[0]![0] !== 'SubmitOfficialResult') continue;
          await run.submit('regulator', 'RecordDeviation', await claimFor(run, OFFICIAL_ID, 'procymidone'));
        }
        const stored = await run.evaluate<DeviationRecord>(
          'regulator',
          'GetDeviation',
          `DV-${OFFICIAL_ID}-procymidone`,
        );
        const { anchor: _anchor, revision: _revision, ...content } = stored;
        outcomes.push(content);
      }
      expect(outcomes[0]).toMatchObject({ selfTestId: SELF_ID, severity: 'high' });
      expect(outcomes[1]).toEqual(outcomes[0]);
    });
  });

  describe('targeted sampling', () => {
    const openTask = (taskId: string, itemCodes = ['procymidone']) => ({
      taskId,
      companyId: COMPANY_A,
      productCode: 'LEEK-500G',
      itemCodes,
      reason: { deviationId: `DV-${OFFICIAL_ID}-procymidone` },
    });

    it('draws inspectors outside the company region, reproducibly from the transaction id', async () => {
      const { record } = await ledger.submit<Written<SamplingTaskRecord>>(
        'regulator',
        'OpenSamplingTask',
        openTask('TK-1'),
      );

      expect(record.inspectors).toHaveLength(2);
      expect(record.inspectors).not.toContain('INS-FZ-01'); // same district as the company (回避)
      expect(record.inspectors).not.toContain('INS-NP-01'); // inactive
      expect(new Set(record.inspectors).size).toBe(2);
      expect(record.seed).toBe(drawSeed(record.txId, 'TK-1'));
      expect(record.companyRegion).toBe(REGION_A);
      const check = await ledger.evaluate<DrawVerification>('regulator', 'VerifySamplingDraw', 'TK-1');
      expect(check).toMatchObject({ valid: true, seedMatches: true, redrawn: record.inspectors });
    });

    it('keeps one open task per company, product and item', async () => {
      const first = await ledger.submit<Written<SamplingTaskRecord>>(
        'regulator',
        'OpenSamplingTask',
        openTask('TK-1'),
      );
      const second = await ledger.submit<Written<SamplingTaskRecord>>(
        'regulator',
        'OpenSamplingTask',
        openTask('TK-2'),
      );
      expect(second).toMatchObject({ changed: false, record: { id: 'TK-1' } });

      await ledger.submit('regulator', 'UpdateSamplingTask', {
        taskId: 'TK-1',
        status: 'cancelled',
        note: 'duplicate',
      });
      const third = await ledger.submit<Written<SamplingTaskRecord>>(
        'regulator',
        'OpenSamplingTask',
        openTask('TK-3'),
      );
      expect(third).toMatchObject({ changed: true, record: { id: 'TK-3', status: 'open' } });
      expect(first.record.id).toBe('TK-1');
    });

    it('completes a task when the targeted official result that answers it arrives', async () => {
      await ledger.submit('regulator', 'OpenSamplingTask', openTask('TK-1'));
      await ledger.submit(
        'regulator',
        'SubmitOfficialResult',
        leekOfficial({ samplingNo: 'TG24-001', samplingType: 'targeted', taskId: 'TK-1' }),
      );
      const task = await ledger.evaluate<SamplingTaskRecord>('regulator', 'GetSamplingTask', 'TK-1');
      expect(task.status).toBe('completed');
      expect(task.statusHistory.map((s) => s.status)).toEqual(['open', 'completed']);
    });

    it('refuses to open a task when no inspector outside the region is registered', async () => {
      const lonely = new TestLedger();
      await lonely.submit('regulator', 'RegisterCompany', {
        companyId: COMPANY_A,
        name: 'A',
        region: REGION_A,
      });
      await lonely.submit('regulator', 'RegisterInspector', {
        inspectorId: 'INS-LOCAL',
        name: '本地',
        region: REGION_A,
      });
      const refusal = await lonely.refused('regulator', 'OpenSamplingTask', openTask('TK-1'));
      expect(refusal.code).toBe('DRAW.NO_ELIGIBLE_INSPECTOR');
    });
  });

  describe('batches and recalls', () => {
    const batch = { companyId: COMPANY_A, productCode: 'LEEK-500G', batchNo: 'L20240520' };

    it('locks, refuses an unlock by a recall coordinator, and releases on a regulator unlock', async () => {
      const locked = await ledger.submit<Written<BatchRecord>>('regulator', 'LockBatch', {
        ...batch,
        reason: 'official result failed',
      });
      const again = await ledger.submit<Written<BatchRecord>>('regulator', 'LockBatch', {
        ...batch,
        reason: 'again',
      });
      const refusal = await ledger.refused('recallRegulator', 'UnlockBatch', { ...batch, reason: 'cleared' });
      const released = await ledger.submit<Written<BatchRecord>>('regulator', 'UnlockBatch', {
        ...batch,
        reason: 're-inspection passed',
      });

      expect(locked.record).toMatchObject({ status: 'locked', registered: false });
      expect(again.changed).toBe(false);
      expect(refusal.code).toBe('ACCESS.ROLE');
      expect(released.record.status).toBe('released');
      expect(released.record.locks.map((l) => l.action)).toEqual(['lock', 'unlock']);
      expect(released.record.locks[0]).toMatchObject({
        reason: 'official result failed',
        mspId: 'RegulatorMSP',
      });
    });

    it('keeps the lock history when the enterprise registers a batch first seen through a lock', async () => {
      await ledger.submit('regulator', 'LockBatch', { ...batch, reason: 'official result failed' });
      const { record } = await ledger.submit<Written<BatchRecord>>('enterpriseA', 'RegisterBatch', {
        ...batch,
        gtin: '6901234567892',
        productionDate: '2024-05-20',
        quantity: 1200,
      });
      expect(record).toMatchObject({
        status: 'locked',
        registered: true,
        gtin: '06901234567892',
        quantity: 1200,
      });
      expect(record.locks).toHaveLength(1);
    });

    it('recalls batches, and a later lock changes nothing', async () => {
      const recall = await ledger.submit<Written<{ id: string }>>('recallRegulator', 'RecallBatches', {
        recallId: 'RC-2024-01',
        batches: [batch],
        level: 2,
        reason: 'procymidone above limit',
      });
      const lock = await ledger.submit<Written<BatchRecord>>('regulator', 'LockBatch', {
        ...batch,
        reason: 'late',
      });
      const replay = await ledger.submit<Written<{ id: string }>>('recallRegulator', 'RecallBatches', {
        recallId: 'RC-2024-01',
        batches: [batch],
        level: 2,
        reason: 'procymidone above limit',
      });
      expect(recall.changed).toBe(true);
      expect(lock).toMatchObject({
        changed: false,
        record: { status: 'recalled', recallIds: ['RC-2024-01'] },
      });
      expect(replay.changed).toBe(false);
    });

    it("lets an enterprise's recall coordinator lock its own batches only", async () => {
      await expect(
        ledger.submit('recallEnterpriseA', 'LockBatch', { ...batch, reason: 'own decision' }),
      ).resolves.toMatchObject({ changed: true });
      const refusal = await ledger.refused('recallEnterpriseA', 'LockBatch', {
        ...batch,
        companyId: COMPANY_B,
        reason: 'not mine',
      });
      expect(refusal.code).toBe('ACCESS.COMPANY');
    });

    it('builds the code info a scan finds: status and the latest official finding per item', async () => {
      await ledger.submit(
        'regulator',
        'SubmitOfficialResult',
        leekOfficial({ samplingNo: 'DC-OLD', sampledAt: '2024-05-22T09:00:00+08:00' }, [
          { itemCode: 'procymidone', value: 0.3, verdict: 'pass' },
          { itemCode: 'lead', nd: true, lod: 0.01, verdict: 'pass' },
        ]),
      );
      await ledger.submit(
        'regulator',
        'SubmitOfficialResult',
        leekOfficial({}, [{ itemCode: 'procymidone', value: 6, verdict: 'fail' }]),
      );
      await ledger.submit('regulator', 'LockBatch', { ...batch, reason: 'procymidone 6 mg/kg > 5 mg/kg' });
      await ledger.submit('regulator', 'UpdateCodeInfo', batch);

      const info = await ledger.evaluate<CodeInfoRecord>(
        'enterpriseB',
        'FindCodeInfo',
        '06901234567892',
        'L20240520',
      );
      expect(info.status).toBe('locked');
      expect(info.findings).toEqual([
        expect.objectContaining({ itemCode: 'lead', verdict: 'pass', nd: true, samplingNo: 'DC-OLD' }),
        expect.objectContaining({
          itemCode: 'procymidone',
          verdict: 'fail',
          value: 6,
          samplingNo: 'DC24350100001',
          sampledAt: '2024-05-25T09:00:00+08:00',
          testedAt: '2024-05-27T15:00:00+08:00',
        }),
      ]);
    });

    it('lists the code info of every batch under a GTIN, for a scan of the plain product barcode', async () => {
      const june = { ...batch, batchNo: 'L20240601' };
      for (const [ref, productionDate] of [
        [batch, '2024-05-20'],
        [june, '2024-06-01'],
      ] as const) {
        await ledger.submit('enterpriseA', 'RegisterBatch', {
          ...ref,
          gtin: '6901234567892',
          productionDate,
        });
      }
      await ledger.submit('regulator', 'LockBatch', { ...batch, reason: 'official result failed' });
      await ledger.submit('regulator', 'UpdateCodeInfo', june);
      await ledger.submit('regulator', 'UpdateCodeInfo', batch);

      const infos = await ledger.evaluate<CodeInfoRecord[]>(
        'enterpriseB',
        'ListCodeInfoByGtin',
        '06901234567892',
      );
      expect(infos.map((info) => [info.batchNo, info.status])).toEqual([
        ['L20240520', 'locked'],
        ['L20240601', 'active'],
      ]);
      await expect(
        ledger.evaluate<CodeInfoRecord[]>('enterpriseB', 'ListCodeInfoByGtin', '06901234567899'),
      ).resolves.toEqual([]);
    });
  });

  describe('events', () => {
    it('emits one event per transaction, named after it, after commit', async () => {
      const before = ledger.events().length;
      await ledger.submit('enterpriseA', 'SubmitSelfTest', leekSelfTest());
      await ledger.submit(
        'regulator',
        'SubmitOfficialResult',
        leekOfficial({}, [{ itemCode: 'procymidone', value: 6, verdict: 'fail' }]),
      );
      await ledger.refused('enterpriseB', 'SubmitSelfTest', leekSelfTest());
      const events = ledger.events().slice(before);
      expect(events.map((e) => e.eventName)).toEqual(['SubmitSelfTest', 'SubmitOfficialResult']);
      expect(JSON.parse(events[1]!.payload.toString())).toMatchObject({
        id: OFFICIAL_ID,
        companyId: COMPANY_A,
        productCode: 'LEEK-500G',
        batchNo: 'L20240520',
        gtin: '06901234567892',
        failedItemCodes: ['procymidone'],
        changed: true,
      });
      expect(events[1]!.blockNumber).toBeGreaterThan(events[0]!.blockNumber);
    });
  });
});
