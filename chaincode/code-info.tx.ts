import { NotFoundError } from '../src/errors/domain.error';
import { batchRefSchema, type BatchRef } from '../src/records/batch.schema';
import type { BatchRecord, CodeFinding, CodeInfoRecord } from '../src/records/ledger.records';
import { parseJsonInput } from '../src/records/parse';
import { canonicalJson } from '../src/records/canonical-json';
import { instantMillis } from '../src/time/iso-time';
import { requireCompany, requireRole } from './access.policy';
import { OBJECT } from './ledger.keys';
import type { OfficialBatchRef } from './reports.tx';
import type { Tx, WriteResult } from './tx.context';

/**
 * The information embedded in a batch's code (信息入码): status and the latest official finding
 * per item, rebuilt from committed state each time it is updated, and findable by GTIN + batch
 * for whoever scans the code (随手扫码查).
 */

function latestFindings(refs: readonly OfficialBatchRef[]): CodeFinding[] {
  const ordered = [...refs].sort(
    (a, b) =>
      instantMillis(a.sampledAt) - instantMillis(b.sampledAt) ||
      (a.officialResultId < b.officialResultId ? -1 : 1),
  );
  const byItem = new Map<string, CodeFinding>();
  for (const ref of ordered) for (const f of ref.findings) byItem.set(f.itemCode, f);
  return [...byItem.values()].sort((a, b) => (a.itemCode < b.itemCode ? -1 : 1));
}

function codeInfoContent(
  ref: BatchRef,
  batch: BatchRecord | undefined,
  results: readonly OfficialBatchRef[],
): Omit<CodeInfoRecord, 'anchor'> {
  const gtin = batch?.gtin ?? results.find((r) => r.gtin !== undefined)?.gtin;
  const productName = batch?.productName ?? results[0]?.productName;
  return {
    docType: 'CodeInfo',
    ...ref,
    ...(gtin === undefined ? {} : { gtin }),
    ...(productName === undefined ? {} : { productName }),
    status: batch ? batch.status : 'active',
    findings: latestFindings(results),
  };
}

/** Rebuilds a batch's code info from its batch record and official results. */
export async function updateCodeInfo(tx: Tx, payload: string): Promise<WriteResult<CodeInfoRecord>> {
  requireRole(tx.caller, 'UpdateCodeInfo', 'regulator', 'recall');
  const ref = parseJsonInput(batchRefSchema, payload, 'batch');
  requireCompany(tx.caller, 'UpdateCodeInfo', ref.companyId);
  const key = [ref.companyId, ref.productCode, ref.batchNo];
  const batch = await tx.state.get<BatchRecord>(OBJECT.batch, key);
  const results = await tx.state.list<OfficialBatchRef>(OBJECT.officialByBatch, key);
  if (!batch && results.length === 0) {
    throw new NotFoundError(
      'BATCH.NOT_FOUND',
      `nothing is recorded for batch ${ref.batchNo} of ${ref.productCode}`,
    );
  }
  const content = codeInfoContent(ref, batch, results);
  const gtin = content.gtin;
  const stored = await tx.state.get<CodeInfoRecord>(OBJECT.codeInfo, key);
  const event = { ...ref, ...(gtin === undefined ? {} : { gtin }), status: content.status };
  if (stored) {
    const { anchor: _anchor, ...storedContent } = stored;
    if (canonicalJson(storedContent) === canonicalJson(content)) {
      tx.emit('UpdateCodeInfo', { ...event, changed: false });
      return { record: stored, changed: false };
    }
  }
  const record: CodeInfoRecord = { ...content, anchor: tx.anchor };
  await tx.state.put(OBJECT.codeInfo, key, record);
  if (gtin !== undefined && stored?.gtin === undefined)
    await tx.state.put(OBJECT.codeByGtin, [gtin, ref.batchNo], ref);
  tx.emit('UpdateCodeInfo', { ...event, changed: true });
  return { record, changed: true };
}

/**
 * The code info of every batch recorded under a GTIN, in batch-number order: what scanning the
 * plain product barcode (a GTIN without a batch) can show. Any member may read it. It reads every
 * batch of the product, which a product with a batch a day keeps to a few thousand keys.
 */
export async function listCodeInfoByGtin(tx: Tx, gtin: string): Promise<CodeInfoRecord[]> {
  requireRole(tx.caller, 'ListCodeInfoByGtin', 'regulator', 'recall', 'enterprise');
  const refs = await tx.state.list<BatchRef>(OBJECT.codeByGtin, [gtin]);
  const records: CodeInfoRecord[] = [];
  for (const ref of refs) {
    const record = await tx.state.get<CodeInfoRecord>(OBJECT.codeInfo, [
      ref.companyId,
      ref.productCode,
      ref.batchNo,
    ]);
    if (record) records.push(record);
  }
  return records;
}

/** The code info of a batch by GTIN and batch number, as a scan finds it. Any member may read it. */
export async function findCodeInfo(tx: Tx, gtin: string, batchNo: string): Promise<CodeInfoRecord> {
  requireRole(tx.caller, 'FindCodeInfo', 'regulator', 'recall', 'enterprise');
  const ref = await tx.state.get<{ companyId: string; productCode: string; batchNo: string }>(
    OBJECT.codeByGtin,
    [gtin, batchNo],
  );
  const record =
    ref &&
    (await tx.state.get<CodeInfoRecord>(OBJECT.codeInfo, [ref.companyId, ref.productCode, ref.batchNo]));
  if (!record)
    throw new NotFoundError('CODE.NOT_FOUND', `no code information for GTIN ${gtin} batch ${batchNo}`);
  return record;
}
