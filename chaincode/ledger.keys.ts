/**
 * The state layout: every asset under a composite key of its own object type, plus index
 * entries (small JSON values) that make the range scans of the spot check cheap — all
 * self-test item results of one company + product + item are one partial-key scan away.
 */
export const OBJECT = {
  company: 'company',
  inspector: 'inspector',
  selfTest: 'selftest',
  officialResult: 'official',
  deviation: 'deviation',
  task: 'task',
  batch: 'batch',
  recall: 'recall',
  codeInfo: 'codeinfo',
  /** index: [companyId, productCode, itemCode, selfTestId] → pairing candidate */
  selfTestByItem: 'selftest~item',
  /** index: [companyId, productCode, itemCode, officialResultId] → official item summary */
  officialByItem: 'official~item',
  /** index: [companyId, productCode, batchNo, officialResultId] → the result's findings */
  officialByBatch: 'official~batch',
  /** index: [companyId, productCode, itemCode, deviationId] → deviation id */
  deviationByItem: 'deviation~item',
  /** index: [companyId, productCode, itemCode] → the open targeted task's id */
  openTaskByItem: 'task~open',
  /** index: [companyId, taskId] → task id */
  taskByCompany: 'task~company',
  /** index: [gtin14, batchNo] → the batch key of the code info */
  codeByGtin: 'codeinfo~gtin',
} as const;

export type ObjectType = (typeof OBJECT)[keyof typeof OBJECT];
