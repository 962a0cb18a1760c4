import { ConflictError, NotFoundError } from '../src/errors/domain.error';
import type { CodeFinding, OfficialResultRecord, SelfTestRecord } from '../src/records/ledger.records';
import { parseJsonInput } from '../src/records/parse';
import {
  judgeOfficialResult,
  judgeSelfTest,
  officialResultInputSchema,
  officialResultId,
  selfTestId,
  selfTestInputSchema,
} from '../src/records/report.schema';
import type { PairingCandidate } from '../src/rules/pairing.rules';
import type { JudgedItemResult } from '../src/rules/verdict.rules';
import type { Verdict } from '../src/records/item-result.schema';
import { requireCompany, requireReader, requireRole } from './access.policy';
import { OBJECT } from './ledger.keys';
import { requireCompanyRecord } from './parties.tx';
import { contentHash } from './record.hash';
import { completeTaskBy } from './tasks.tx';
import { receiptOf, type RecordReceipt, type Tx, type WriteResult } from './tx.context';

/**
 * Self-test reports (自检报告) and official results (监督抽检结果). Each is written once under an
 * id derived from its number: the same report again returns the stored record, a different
 * report under the same number is a conflict. Every item result is judged here against the
 * limit in force, and indexed by company + product + item for the spot check.
 */

/** The index entry of one self-test item result: all that pairing needs. */
export interface SelfTestItemRef extends PairingCandidate {
  readonly itemCode: string;
  readonly verdict: Verdict;
}

/** The index entry of one official item result. */
export interface OfficialItemRef {
  readonly officialResultId: string;
  readonly itemCode: string;
  readonly batchNo: string;
  readonly productionDate: string;
  readonly sampledAt: string;
  readonly verdict: Verdict;
}

/** The index entry of an official result under its batch: what the batch's code shows. */
export interface OfficialBatchRef {
  readonly officialResultId: string;
  readonly samplingNo: string;
  readonly sampledAt: string;
  readonly gtin?: string;
  readonly productName: string;
  readonly findings: readonly CodeFinding[];
}

function finding(item: JudgedItemResult, result: OfficialResultRecord): CodeFinding {
  return {
    itemCode: item.itemCode,
    verdict: item.judgement.verdict,
    ...(item.value === undefined ? {} : { value: item.value }),
    ...(item.nd === undefined ? {} : { nd: item.nd }),
    ...(item.result === undefined ? {} : { result: item.result }),
    unit: item.unit ?? null,
    samplingNo: result.samplingNo,
    sampledAt: result.sampledAt,
    testedAt: result.testedAt,
  };
}

function conflict(kind: string, field: string, number: string): ConflictError {
  return new ConflictError(
    'REPORT.CONFLICT',
    `${kind} ${number} is already recorded with different content`,
    [{ path: field, message: 'already used for a different report' }],
  );
}

/** Records an enterprise's self-test report (enterprise role, own company only); answers its receipt. */
export async function submitSelfTest(tx: Tx, payload: string): Promise<WriteResult<RecordReceipt>> {
  requireRole(tx.caller, 'SubmitSelfTest', 'enterprise');
  const input = parseJsonInput(selfTestInputSchema, payload, 'self-test report');
  requireCompany(tx.caller, 'SubmitSelfTest', input.companyId);
  await requireCompanyRecord(tx, input.companyId);
  const id = selfTestId(input.companyId, input.reportNo);
  const inputHash = contentHash(input);
  const stored = await tx.state.get<SelfTestRecord>(OBJECT.selfTest, [id]);
  const event = { id, companyId: input.companyId, productCode: input.product.code, batchNo: input.batchNo };
  if (stored) {
    if (stored.inputHash !== inputHash) throw conflict('self-test report', 'reportNo', input.reportNo);
    tx.emit('SubmitSelfTest', { ...event, itemCodes: stored.items.map((i) => i.itemCode), changed: false });
    return { record: receiptOf(stored), changed: false };
  }
  const record: SelfTestRecord = {
    ...judgeSelfTest(input),
    docType: 'SelfTestReport',
    inputHash,
    anchor: tx.anchor,
  };
  await tx.state.put(OBJECT.selfTest, [id], record);
  for (const item of record.items) {
    const ref: SelfTestItemRef = {
      selfTestId: id,
      itemCode: item.itemCode,
      batchNo: record.batchNo,
      productionDate: record.productionDate,
      testedAt: record.testedAt,
      verdict: item.judgement.verdict,
    };
    await tx.state.put(
      OBJECT.selfTestByItem,
      [record.companyId, record.product.code, item.itemCode, id],
      ref,
    );
  }
  tx.emit('SubmitSelfTest', { ...event, itemCodes: record.items.map((i) => i.itemCode), changed: true });
  return { record: receiptOf(record), changed: true };
}

/**
 * Records a regulator's official result; a targeted result completes the task it answers. Answers
 * its receipt.
 */
export async function submitOfficialResult(tx: Tx, payload: string): Promise<WriteResult<RecordReceipt>> {
  requireRole(tx.caller, 'SubmitOfficialResult', 'regulator');
  const input = parseJsonInput(officialResultInputSchema, payload, 'official result');
  await requireCompanyRecord(tx, input.companyId);
  const id = officialResultId(input.samplingNo);
  const inputHash = contentHash(input);
  const stored = await tx.state.get<OfficialResultRecord>(OBJECT.officialResult, [id]);
  const record: OfficialResultRecord = stored ?? {
    ...judgeOfficialResult(input),
    docType: 'OfficialResult',
    inputHash,
    anchor: tx.anchor,
  };
  if (stored && stored.inputHash !== inputHash)
    throw conflict('official result', 'samplingNo', input.samplingNo);
  const event = {
    id,
    companyId: record.companyId,
    productCode: record.product.code,
    batchNo: record.batchNo,
    ...(record.product.gtin === undefined ? {} : { gtin: record.product.gtin }),
    itemCodes: record.items.map((i) => i.itemCode),
    failedItemCodes: record.items.filter((i) => i.judgement.verdict === 'fail').map((i) => i.itemCode),
    ...(record.taskId === undefined ? {} : { taskId: record.taskId }),
  };
  if (stored) {
    tx.emit('SubmitOfficialResult', { ...event, changed: false });
    return { record: receiptOf(stored), changed: false };
  }
  await tx.state.put(OBJECT.officialResult, [id], record);
  for (const item of record.items) {
    const ref: OfficialItemRef = {
      officialResultId: id,
      itemCode: item.itemCode,
      batchNo: record.batchNo,
      productionDate: record.productionDate,
      sampledAt: record.sampledAt,
      verdict: item.judgement.verdict,
    };
    await tx.state.put(
      OBJECT.officialByItem,
      [record.companyId, record.product.code, item.itemCode, id],
      ref,
    );
  }
  const batchRef: OfficialBatchRef = {
    officialResultId: id,
    samplingNo: record.samplingNo,
    sampledAt: record.sampledAt,
    ...(record.product.gtin === undefined ? {} : { gtin: record.product.gtin }),
    productName: record.product.name,
    findings: record.items.map((item) => finding(item, record)),
  };
  await tx.state.put(
    OBJECT.officialByBatch,
    [record.companyId, record.product.code, record.batchNo, id],
    batchRef,
  );
  if (record.taskId !== undefined) await completeTaskBy(tx, record.taskId, record);
  tx.emit('SubmitOfficialResult', { ...event, changed: true });
  return { record: receiptOf(record), changed: true };
}

/** A self-test report, for its company or a regulator. */
export async function getSelfTest(tx: Tx, id: string): Promise<SelfTestRecord> {
  const record = await tx.state.get<SelfTestRecord>(OBJECT.selfTest, [id]);
  if (!record) throw new NotFoundError('SELF_TEST.NOT_FOUND', `self-test report ${id} is not on the ledger`);
  requireReader(tx.caller, 'GetSelfTest', record.companyId);
  return record;
}

/** An official result, for the company concerned or a regulator. */
export async function getOfficialResult(tx: Tx, id: string): Promise<OfficialResultRecord> {
  const record = await tx.state.get<OfficialResultRecord>(OBJECT.officialResult, [id]);
  if (!record)
    throw new NotFoundError('OFFICIAL_RESULT.NOT_FOUND', `official result ${id} is not on the ledger`);
  requireReader(tx.caller, 'GetOfficialResult', record.companyId);
  return record;
}

/** Every self-test item result of one company + product + item: the pairing candidates. */
export async function listSelfTestItems(
  tx: Tx,
  companyId: string,
  productCode: string,
  itemCode: string,
): Promise<SelfTestItemRef[]> {
  requireReader(tx.caller, 'ListSelfTestItems', companyId);
  return tx.state.list<SelfTestItemRef>(OBJECT.selfTestByItem, [companyId, productCode, itemCode]);
}

/** Every official item result of one company + product + item. */
export async function listOfficialItems(
  tx: Tx,
  companyId: string,
  productCode: string,
  itemCode: string,
): Promise<OfficialItemRef[]> {
  requireReader(tx.caller, 'ListOfficialItems', companyId);
  return tx.state.list<OfficialItemRef>(OBJECT.officialByItem, [companyId, productCode, itemCode]);
}
