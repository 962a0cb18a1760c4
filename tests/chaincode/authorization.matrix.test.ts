import type { ActorName } from './ledger.fixture';
import { COMPANY_A, TestLedger, leekOfficial, leekSelfTest, refusalOf } from './ledger.fixture';
import { claimFor } from './deviation.claims';

/**
 * Every transaction × every kind of caller, against a ledger holding one of everything for
 * company A. "allow" means the call succeeds; "refuse" means it is refused with an ACCESS code
 * before anything is read or written on the caller's behalf.
 */
const ACTORS: readonly ActorName[] = [
  'regulator',
  'enterpriseA',
  'enterpriseB',
  'recallRegulator',
  'recallEnterpriseA',
  'forgedRegulator',
  'noRole',
];

const EVERY_ROLE: readonly ActorName[] = [
  'regulator',
  'enterpriseA',
  'enterpriseB',
  'recallRegulator',
  'recallEnterpriseA',
];
const COMPANY_A_READERS: readonly ActorName[] = [
  'regulator',
  'enterpriseA',
  'recallRegulator',
  'recallEnterpriseA',
];
const REGULATOR_ONLY: readonly ActorName[] = ['regulator'];
const LOCKERS: readonly ActorName[] = ['regulator', 'recallRegulator', 'recallEnterpriseA'];

const BATCH = { companyId: COMPANY_A, productCode: 'LEEK-500G', batchNo: 'L20240520' };
const SELF_ID = `ST-${COMPANY_A}-ST-2024-0001`;
const OFFICIAL_ID = 'OR-DC24350100001';
const DEVIATION_ID = `DV-${OFFICIAL_ID}-procymidone`;

interface Row {
  readonly fcn: string;
  readonly write: boolean;
  readonly args: () => string[];
  readonly allowed: readonly ActorName[];
}

const json = (value: unknown) => JSON.stringify(value);
let deviationClaim = '';

const ROWS: readonly Row[] = [
  {
    fcn: 'RegisterCompany',
    write: true,
    allowed: REGULATOR_ONLY,
    args: () => [json({ companyId: COMPANY_A, name: '福州闽江食品有限公司', region: '350102' })],
  },
  {
    fcn: 'RegisterInspector',
    write: true,
    allowed: REGULATOR_ONLY,
    args: () => [json({ inspectorId: 'INS-XM-01', name: '陈二', region: '350203' })],
  },
  { fcn: 'SubmitSelfTest', write: true, allowed: ['enterpriseA'], args: () => [json(leekSelfTest())] },
  {
    fcn: 'SubmitOfficialResult',
    write: true,
    allowed: REGULATOR_ONLY,
    args: () => [json(leekOfficial({}, [{ itemCode: 'procymidone', value: 6, verdict: 'fail' }]))],
  },
  { fcn: 'RecordDeviation', write: true, allowed: REGULATOR_ONLY, args: () => [deviationClaim] },
  {
    fcn: 'OpenSamplingTask',
    write: true,
    allowed: REGULATOR_ONLY,
    args: () => [
      json({
        taskId: 'TK-1',
        companyId: COMPANY_A,
        productCode: 'LEEK-500G',
        itemCodes: ['procymidone'],
        reason: { deviationId: DEVIATION_ID },
      }),
    ],
  },
  {
    fcn: 'UpdateSamplingTask',
    write: true,
    allowed: REGULATOR_ONLY,
    args: () => [json({ taskId: 'TK-0', status: 'cancelled' })],
  },
  {
    fcn: 'RegisterBatch',
    write: true,
    allowed: ['enterpriseA'],
    args: () => [json({ ...BATCH, productionDate: '2024-05-20', gtin: '6901234567892' })],
  },
  {
    fcn: 'LockBatch',
    write: true,
    allowed: LOCKERS,
    args: () => [json({ ...BATCH, reason: 'failed official result' })],
  },
  {
    fcn: 'UnlockBatch',
    write: true,
    allowed: REGULATOR_ONLY,
    args: () => [json({ ...BATCH, batchNo: 'L-UNLOCK', reason: 'cleared', actionId: 'UNLOCK-1' })],
  },
  {
    fcn: 'RecallBatches',
    write: true,
    allowed: LOCKERS,
    args: () => [
      json({
        recallId: 'RC-1',
        batches: [{ ...BATCH, batchNo: 'L-RECALL' }],
        level: 1,
        reason: 'pathogen detected',
      }),
    ],
  },
  { fcn: 'UpdateCodeInfo', write: true, allowed: LOCKERS, args: () => [json(BATCH)] },
  { fcn: 'GetCompany', write: false, allowed: EVERY_ROLE, args: () => [COMPANY_A] },
  { fcn: 'GetInspector', write: false, allowed: REGULATOR_ONLY, args: () => ['INS-XM-01'] },
  { fcn: 'ListInspectors', write: false, allowed: REGULATOR_ONLY, args: () => [] },
  { fcn: 'GetSelfTest', write: false, allowed: COMPANY_A_READERS, args: () => [SELF_ID] },
  { fcn: 'GetOfficialResult', write: false, allowed: COMPANY_A_READERS, args: () => [OFFICIAL_ID] },
  {
    fcn: 'ListSelfTestItems',
    write: false,
    allowed: COMPANY_A_READERS,
    args: () => [COMPANY_A, 'LEEK-500G', 'procymidone'],
  },
  {
    fcn: 'ListOfficialItems',
    write: false,
    allowed: COMPANY_A_READERS,
    args: () => [COMPANY_A, 'LEEK-500G', 'procymidone'],
  },
  { fcn: 'GetDeviation', write: false, allowed: COMPANY_A_READERS, args: () => [DEVIATION_ID] },
  { fcn: 'ListDeviations', write: false, allowed: COMPANY_A_READERS, args: () => [COMPANY_A, '', ''] },
  { fcn: 'GetSamplingTask', write: false, allowed: REGULATOR_ONLY, args: () => ['TK-1'] },
  { fcn: 'ListSamplingTasks', write: false, allowed: REGULATOR_ONLY, args: () => [COMPANY_A, ''] },
  { fcn: 'VerifySamplingDraw', write: false, allowed: REGULATOR_ONLY, args: () => ['TK-1'] },
  { fcn: 'GetBatch', write: false, allowed: EVERY_ROLE, args: () => [COMPANY_A, 'LEEK-500G', 'L20240520'] },
  {
    fcn: 'GetRecall',
    write: false,
    allowed: ['regulator', 'enterpriseA', 'recallRegulator', 'recallEnterpriseA'],
    args: () => ['RC-0'],
  },
  { fcn: 'FindCodeInfo', write: false, allowed: EVERY_ROLE, args: () => ['06901234567892', 'L20240520'] },
  { fcn: 'ListCodeInfoByGtin', write: false, allowed: EVERY_ROLE, args: () => ['06901234567892'] },
  {
    fcn: 'GetHistory',
    write: false,
    allowed: REGULATOR_ONLY,
    args: () => ['deviation', json([DEVIATION_ID])],
  },
];

describe('authorisation matrix', () => {
  const ledger = new TestLedger();

  beforeAll(async () => {
    await ledger.seedParties();
    await ledger.submit('enterpriseA', 'SubmitSelfTest', leekSelfTest());
    await ledger.submit(
      'regulator',
      'SubmitOfficialResult',
      leekOfficial({}, [{ itemCode: 'procymidone', value: 6, verdict: 'fail' }]),
    );
    deviationClaim = json(await claimFor(ledger, OFFICIAL_ID, 'procymidone'));
    await ledger.submit('regulator', 'RecordDeviation', deviationClaim);
    await ledger.submit('regulator', 'OpenSamplingTask', {
      taskId: 'TK-0',
      companyId: COMPANY_A,
      productCode: 'LEEK-500G',
      itemCodes: ['lead'],
      reason: { note: 'routine' },
    });
    await ledger.submit('regulator', 'LockBatch', { ...BATCH, batchNo: 'L-UNLOCK', reason: 'hold' });
    await ledger.submit('regulator', 'RecallBatches', {
      recallId: 'RC-0',
      batches: [BATCH],
      level: 2,
      reason: 'over limit',
    });
    await ledger.submit('regulator', 'UpdateCodeInfo', BATCH);
  });

  it('covers every transaction the contract declares', async () => {
    const metadata = await ledger.evaluate<{
      contracts: Record<string, { transactions: { name: string }[] }>;
    }>('regulator', 'org.hyperledger.fabric:GetMetadata');
    const declared = metadata.contracts
      .inspection!.transactions.map((t) => t.name)
      .filter((n) => n !== 'WhoAmI');
    expect(ROWS.map((r) => r.fcn).sort()).toEqual(declared.sort());
  });

  const cases = ROWS.flatMap((row) =>
    ACTORS.map((actor) => [row.fcn, actor, row.allowed.includes(actor) ? 'allow' : 'refuse'] as const),
  );

  it.each(cases)('%s by %s: %s', async (fcn, actor, expected) => {
    const row = ROWS.find((r) => r.fcn === fcn)!;
    const call = row.write
      ? ledger.peer.submit(ledger.who[actor], fcn, row.args())
      : ledger.peer.evaluate(ledger.who[actor], fcn, row.args());
    if (expected === 'allow') {
      await expect(call).resolves.toBeDefined();
    } else {
      const refusal = refusalOf(
        await call.then(() => new Error(`${fcn} by ${actor} was allowed`)).catch((e: unknown) => e),
      );
      expect(refusal.code).toMatch(/^ACCESS\./);
    }
  });
});
