import { STARTER_COMPANIES } from '../identity/identity.file';

/**
 * A realistic programme month, posted through the HTTP API by `npm run demo` and replayed by the
 * scenario suite: three companies in three provinces, products with GTINs, pesticide, heavy
 * metal, additive, quality and microbial items, not-detected values, expanded uncertainties, a
 * self-test reported in µg/kg against an official result in mg/kg — and at least one case of
 * every severity and every trigger (DESIGN §5–§6).
 */
export type DemoActor = 'regulator' | 'recall' | 'enterpriseA' | 'enterpriseB' | 'enterpriseC';

/** One API call of the scenario. */
export interface DemoStep {
  readonly actor: DemoActor;
  readonly method: 'POST';
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** What this step shows, printed by the demo. */
  readonly note: string;
}

const [A, B, C] = STARTER_COMPANIES;
export const COMPANY_A = A.companyId;
export const COMPANY_B = B.companyId;
export const COMPANY_C = C.companyId;

const LEEK = { code: 'LEEK-500G', gtin: '6931012000013', name: '有机韭菜 500 g', category: 'leek' };
const RICE = { code: 'RICE-5KG', gtin: '6931012000020', name: '五常大米 5 kg', category: 'rice' };
const MILK = {
  code: 'MILK-950ML',
  gtin: '6928401000112',
  name: '巴氏杀菌鲜牛奶 950 mL',
  category: 'pasteurised-milk',
};
const BREAD = {
  code: 'BREAD-400G',
  gtin: '6945203000218',
  name: '全麦切片面包 400 g',
  category: 'bakery-products',
};

const selfTest = (
  actor: DemoActor,
  companyId: string,
  reportNo: string,
  product: object,
  batchNo: string,
  productionDate: string,
  items: object[],
  note: string,
): DemoStep => ({
  actor,
  method: 'POST',
  path: '/v1/self-tests',
  body: {
    reportNo,
    companyId,
    product,
    batchNo,
    productionDate,
    lab: { name: '企业自检实验室' },
    testedAt: `${productionDate}T16:00:00+08:00`,
    items,
  },
  note,
});

const official = (
  samplingNo: string,
  companyId: string,
  product: object,
  batchNo: string,
  productionDate: string,
  sampledAt: string,
  items: object[],
  note: string,
  extra: Record<string, unknown> = {},
): DemoStep => ({
  actor: 'regulator',
  method: 'POST',
  path: '/v1/official-results',
  body: {
    samplingNo,
    samplingType: 'supervision',
    sampledAt: `${sampledAt}T09:30:00+08:00`,
    companyId,
    product,
    batchNo,
    productionDate,
    lab: { name: '省食品检验研究院', accreditationNo: 'CNAS L0001' },
    testedAt: `${sampledAt}T18:00:00+08:00`,
    items,
    ...extra,
  },
  note,
});

/** The inspectors of the draw pool, from six districts in four provinces. */
export const DEMO_INSPECTORS = [
  { inspectorId: 'INS-350102-01', name: '林晓东', region: '350102' },
  { inspectorId: 'INS-350203-01', name: '陈海燕', region: '350203' },
  { inspectorId: 'INS-330106-01', name: '王立平', region: '330106' },
  { inspectorId: 'INS-330502-01', name: '赵敏', region: '330502' },
  { inspectorId: 'INS-440305-01', name: '黄志强', region: '440305' },
  { inspectorId: 'INS-440106-01', name: '李雪', region: '440106' },
  { inspectorId: 'INS-510104-01', name: '张伟', region: '510104' },
];

export const DEMO_STEPS: readonly DemoStep[] = [
  ...STARTER_COMPANIES.map((c): DemoStep => ({
    actor: 'regulator',
    method: 'POST',
    path: '/v1/companies',
    body: { ...c },
    note: `register ${c.name}`,
  })),
  ...DEMO_INSPECTORS.map((i): DemoStep => ({
    actor: 'regulator',
    method: 'POST',
    path: '/v1/inspectors',
    body: i,
    note: `add inspector ${i.name} (${i.region})`,
  })),
  {
    actor: 'enterpriseA',
    method: 'POST',
    path: '/v1/batches',
    body: {
      companyId: COMPANY_A,
      productCode: LEEK.code,
      gtin: LEEK.gtin,
      productName: LEEK.name,
      batchNo: 'L261020',
      productionDate: '2026-10-20',
      quantity: 1200,
      unit: 'bag',
    },
    note: 'register leek batch L261020',
  },
  // Critical: the enterprise reports procymidone in µg/kg and passes; the official lab finds 6.2 mg/kg > 5 mg/kg.
  selfTest(
    'enterpriseA',
    COMPANY_A,
    'A-ST-261021',
    LEEK,
    'L261020',
    '2026-10-20',
    [
      { itemCode: 'procymidone', value: 800, unit: 'µg/kg', verdict: 'pass' },
      { itemCode: 'lead', nd: true, lod: 0.01, unit: 'mg/kg', verdict: 'pass' },
      { itemCode: 'chlorpyrifos', nd: true, lod: 0.005, verdict: 'pass' },
    ],
    'leek self-test: procymidone 800 µg/kg, lead and chlorpyrifos not detected',
  ),
  official(
    'DC2611350001',
    COMPANY_A,
    LEEK,
    'L261020',
    '2026-10-20',
    '2026-11-02',
    [
      { itemCode: 'procymidone', value: 6.2, unit: 'mg/kg', uncertainty: 0.9, verdict: 'fail' },
      { itemCode: 'lead', value: 0.012, unit: 'mg/kg', verdict: 'pass' },
    ],
    'official leek result: procymidone 6.2 mg/kg fails → critical, lock, targeted task, code update',
  ),
  // High (Horwitz z): a later leek batch, both pass, official figure four times the enterprise's.
  selfTest(
    'enterpriseA',
    COMPANY_A,
    'A-ST-261026',
    LEEK,
    'L261025',
    '2026-10-25',
    [{ itemCode: 'procymidone', value: 0.5, verdict: 'pass' }],
    'leek self-test L261025: procymidone 0.5 mg/kg',
  ),
  official(
    'DC2611350002',
    COMPANY_A,
    LEEK,
    'L261025',
    '2026-10-25',
    '2026-11-03',
    [{ itemCode: 'procymidone', value: 2.1, verdict: 'pass' }],
    'official leek L261025: 2.1 mg/kg → high by z; joins the open procymidone task',
  ),
  // High (En): rice cadmium with expanded uncertainties on both sides.
  selfTest(
    'enterpriseA',
    COMPANY_A,
    'A-ST-261011',
    RICE,
    'R261010',
    '2026-10-10',
    [{ itemCode: 'cadmium', value: 0.08, uncertainty: 0.02, verdict: 'pass' }],
    'rice self-test: cadmium 0.08 ± 0.02 mg/kg',
  ),
  official(
    'DC2611350003',
    COMPANY_A,
    RICE,
    'R261010',
    '2026-10-10',
    '2026-11-04',
    [{ itemCode: 'cadmium', value: 0.15, uncertainty: 0.02, verdict: 'pass' }],
    'official rice: cadmium 0.15 ± 0.02 mg/kg → high by En, targeted task',
  ),
  // High (microbial): total aerobic count an order of magnitude above the enterprise's.
  selfTest(
    'enterpriseB',
    COMPANY_B,
    'B-ST-261101',
    MILK,
    'M261101',
    '2026-11-01',
    [
      { itemCode: 'total-aerobic-count', value: 3000, unit: 'CFU/mL', verdict: 'pass' },
      { itemCode: 'protein', value: 3.1, verdict: 'pass' },
    ],
    'milk self-test: 3 000 CFU/mL, protein 3.1 g/100g',
  ),
  official(
    'DC2611330001',
    COMPANY_B,
    MILK,
    'M261101',
    '2026-11-01',
    '2026-11-05',
    [
      { itemCode: 'total-aerobic-count', value: 50000, unit: 'CFU/mL', verdict: 'pass' },
      { itemCode: 'protein', value: 3.0, verdict: 'pass' },
    ],
    'official milk: 50 000 CFU/mL → high (Δlog 1.2), targeted task; protein agrees',
  ),
  // Warning (microbial): coliforms, Δlog 0.6, both within the limit.
  selfTest(
    'enterpriseB',
    COMPANY_B,
    'B-ST-261102',
    MILK,
    'M261102',
    '2026-11-02',
    [{ itemCode: 'coliforms', value: 1, unit: 'CFU/mL', verdict: 'pass' }],
    'milk self-test M261102: coliforms 1 CFU/mL',
  ),
  official(
    'DC2611330002',
    COMPANY_B,
    MILK,
    'M261102',
    '2026-11-02',
    '2026-11-06',
    [{ itemCode: 'coliforms', value: 4, unit: 'CFU/mL', verdict: 'pass' }],
    'official milk M261102: coliforms 4 CFU/mL → warning',
  ),
  // A failing official result with no self-test to pair: the batch is locked anyway, then recalled.
  official(
    'DC2611330003',
    COMPANY_B,
    MILK,
    'M261103',
    '2026-11-03',
    '2026-11-07',
    [{ itemCode: 'salmonella', result: 'detected', verdict: 'fail' }],
    'official milk M261103: Salmonella detected in 25 mL → lock',
  ),
  // Warning (Horwitz z) and info (self-reported failure) on one bread sample.
  selfTest(
    'enterpriseC',
    COMPANY_C,
    'C-ST-261015',
    BREAD,
    'B261015',
    '2026-10-15',
    [
      { itemCode: 'aluminium', value: 76, verdict: 'pass' },
      { itemCode: 'sorbic-acid', value: 1.02, verdict: 'fail' },
      { itemCode: 'total-aerobic-count', value: 100, verdict: 'pass' },
    ],
    'bread self-test: aluminium 76 mg/kg, sorbic acid 1.02 g/kg (fails its own check)',
  ),
  official(
    'DC2611440001',
    COMPANY_C,
    BREAD,
    'B261015',
    '2026-10-15',
    '2026-11-08',
    [
      { itemCode: 'aluminium', value: 98, verdict: 'pass' },
      { itemCode: 'sorbic-acid', value: 0.98, verdict: 'pass' },
      { itemCode: 'total-aerobic-count', value: 250, verdict: 'pass' },
    ],
    'official bread: aluminium 98 mg/kg → warning by z; sorbic acid passes → info',
  ),
  {
    actor: 'recall',
    method: 'POST',
    path: '/v1/recalls',
    body: {
      recallId: 'RC-2611-0001',
      batches: [{ companyId: COMPANY_B, productCode: MILK.code, batchNo: 'M261103' }],
      level: 1,
      reason: '沙门氏菌检出 Salmonella detected (DC2611330003)',
    },
    note: 'level-1 recall of milk M261103',
  },
];

/** What the scenario must end in once the consumer has caught up. */
export const DEMO_EXPECTED = {
  deviations: {
    'DV-OR-DC2611350001-procymidone': { severity: 'critical', rule: 'verdict-conflict' },
    // Lead: not detected (lod 0.01, counted as 0.005) against 0.012 mg/kg is z = 2.6 at such low levels.
    'DV-OR-DC2611350001-lead': { severity: 'warning', rule: 'horwitz-z' },
    'DV-OR-DC2611350002-procymidone': { severity: 'high', rule: 'horwitz-z' },
    'DV-OR-DC2611350003-cadmium': { severity: 'high', rule: 'en-number' },
    'DV-OR-DC2611330001-total-aerobic-count': { severity: 'high', rule: 'microbial-log' },
    'DV-OR-DC2611330002-coliforms': { severity: 'warning', rule: 'microbial-log' },
    'DV-OR-DC2611440001-aluminium': { severity: 'warning', rule: 'horwitz-z' },
    'DV-OR-DC2611440001-sorbic-acid': { severity: 'info', rule: 'self-reported-fail' },
  },
  tasks: [
    'TK-DV-OR-DC2611330001-total-aerobic-count',
    'TK-DV-OR-DC2611350001-procymidone',
    'TK-DV-OR-DC2611350003-cadmium',
  ],
  batches: [
    { companyId: COMPANY_A, productCode: LEEK.code, batchNo: 'L261020', status: 'locked' },
    { companyId: COMPANY_B, productCode: MILK.code, batchNo: 'M261103', status: 'recalled' },
    { companyId: COMPANY_C, productCode: BREAD.code, batchNo: 'B261015', status: null },
  ],
  code: { gtin: LEEK.gtin, batchNo: 'L261020' },
  /** The plain barcode of the milk, whose batch M261103 is recalled (the batch was never registered). */
  plainBarcode: { gtin: MILK.gtin, recalledBatchNo: 'M261103' },
} as const;
