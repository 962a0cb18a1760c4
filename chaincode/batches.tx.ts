import { ConflictError, ForbiddenError, NotFoundError } from '../src/errors/domain.error';
import {
  batchActionInputSchema,
  batchInputSchema,
  recallInputSchema,
  type BatchRef,
} from '../src/records/batch.schema';
import type { BatchEvent } from '../src/records/ledger.events';
import type { BatchRecord, LockEntry, RecallRecord } from '../src/records/ledger.records';
import { parseJsonInput } from '../src/records/parse';
import { isCompanyBound, requireCompany, requireRole } from './access.policy';
import { OBJECT } from './ledger.keys';
import { contentHash } from './record.hash';
import type { Tx, WriteResult } from './tx.context';

/**
 * Batches (批次): registered by their enterprise, locked (链上锁定) by a regulator or a recall
 * coordinator, unlocked by a regulator, recalled (召回) by a recall coordinator or regulator.
 * A lock or recall of a batch never registered creates it, because an official sample can
 * fail for a batch its maker never told the ledger about.
 */

function keyOf(ref: BatchRef): string[] {
  return [ref.companyId, ref.productCode, ref.batchNo];
}

function unregistered(ref: BatchRef, tx: Tx): BatchRecord {
  return {
    docType: 'Batch',
    companyId: ref.companyId,
    productCode: ref.productCode,
    batchNo: ref.batchNo,
    registered: false,
    status: 'active',
    locks: [],
    recallIds: [],
    anchor: tx.anchor,
  };
}

function batchEvent(batch: BatchRecord, changed: boolean): BatchEvent {
  return {
    companyId: batch.companyId,
    productCode: batch.productCode,
    batchNo: batch.batchNo,
    status: batch.status,
    changed,
  };
}

function entry(tx: Tx, action: LockEntry['action'], reason: string, actionId: string | undefined): LockEntry {
  const base = { action, at: tx.at, by: tx.caller.id, mspId: tx.caller.mspId, reason, txId: tx.txId };
  return actionId === undefined ? base : { ...base, actionId };
}

/** Registers a batch (enterprise role, own company). */
export async function registerBatch(tx: Tx, payload: string): Promise<WriteResult<BatchRecord>> {
  requireRole(tx.caller, 'RegisterBatch', 'enterprise');
  const input = parseJsonInput(batchInputSchema, payload, 'batch');
  requireCompany(tx.caller, 'RegisterBatch', input.companyId);
  const stored = await tx.state.get<BatchRecord>(OBJECT.batch, keyOf(input));
  const details = { ...input, registered: true as const };
  if (stored?.registered) {
    const { companyId, productCode, batchNo, gtin, productName, productionDate, quantity, unit } = stored;
    const storedDetails = {
      companyId,
      productCode,
      batchNo,
      gtin,
      productName,
      productionDate,
      quantity,
      unit,
      registered: true,
    };
    if (contentHash(storedDetails) !== contentHash(details)) {
      throw new ConflictError(
        'BATCH.CONFLICT',
        `batch ${input.batchNo} of ${input.productCode} is already registered with different details`,
        [{ path: 'batchNo', message: 'already registered with different details' }],
      );
    }
    tx.emit('RegisterBatch', {
      companyId: input.companyId,
      productCode: input.productCode,
      batchNo: input.batchNo,
      changed: false,
    });
    return { record: stored, changed: false };
  }
  // A batch first seen through a lock keeps its status and history and gains its details.
  const record: BatchRecord = { ...(stored ?? unregistered(input, tx)), ...details, anchor: tx.anchor };
  await tx.state.put(OBJECT.batch, keyOf(input), record);
  tx.emit('RegisterBatch', {
    companyId: input.companyId,
    productCode: input.productCode,
    batchNo: input.batchNo,
    changed: true,
  });
  return { record, changed: true };
}

function alreadyDone(batch: BatchRecord | undefined, actionId: string | undefined): boolean {
  return actionId !== undefined && batch !== undefined && batch.locks.some((l) => l.actionId === actionId);
}

/** Locks a batch (regulator, or recall coordinator within its remit). Locking a locked or recalled batch changes nothing. */
export async function lockBatch(tx: Tx, payload: string): Promise<WriteResult<BatchRecord>> {
  requireRole(tx.caller, 'LockBatch', 'regulator', 'recall');
  const input = parseJsonInput(batchActionInputSchema, payload, 'batch lock');
  requireCompany(tx.caller, 'LockBatch', input.companyId);
  const stored = await tx.state.get<BatchRecord>(OBJECT.batch, keyOf(input));
  const batch = stored ?? unregistered(input, tx);
  if (alreadyDone(stored, input.actionId) || batch.status === 'locked' || batch.status === 'recalled') {
    tx.emit('LockBatch', batchEvent(batch, false));
    return { record: batch, changed: false };
  }
  const record: BatchRecord = {
    ...batch,
    status: 'locked',
    locks: [...batch.locks, entry(tx, 'lock', input.reason, input.actionId)],
    anchor: tx.anchor,
  };
  await tx.state.put(OBJECT.batch, keyOf(input), record);
  tx.emit('LockBatch', batchEvent(record, true));
  return { record, changed: true };
}

/** Releases a locked batch (regulator only). */
export async function unlockBatch(tx: Tx, payload: string): Promise<WriteResult<BatchRecord>> {
  requireRole(tx.caller, 'UnlockBatch', 'regulator');
  const input = parseJsonInput(batchActionInputSchema, payload, 'batch unlock');
  const batch = await tx.state.get<BatchRecord>(OBJECT.batch, keyOf(input));
  if (!batch)
    throw new NotFoundError(
      'BATCH.NOT_FOUND',
      `batch ${input.batchNo} of ${input.productCode} is not on the ledger`,
    );
  if (alreadyDone(batch, input.actionId)) {
    tx.emit('UnlockBatch', batchEvent(batch, false));
    return { record: batch, changed: false };
  }
  if (batch.status !== 'locked') {
    throw new ConflictError('BATCH.NOT_LOCKED', `batch ${input.batchNo} is ${batch.status}, not locked`, [
      { path: 'batchNo', message: `the batch is ${batch.status}` },
    ]);
  }
  const record: BatchRecord = {
    ...batch,
    status: 'released',
    locks: [...batch.locks, entry(tx, 'unlock', input.reason, input.actionId)],
    anchor: tx.anchor,
  };
  await tx.state.put(OBJECT.batch, keyOf(input), record);
  tx.emit('UnlockBatch', batchEvent(record, true));
  return { record, changed: true };
}

/** Recalls batches (recall coordinator or regulator); each becomes `recalled` from this decision on. */
export async function recallBatches(tx: Tx, payload: string): Promise<WriteResult<RecallRecord>> {
  requireRole(tx.caller, 'RecallBatches', 'recall', 'regulator');
  const input = parseJsonInput(recallInputSchema, payload, 'recall');
  for (const ref of input.batches) requireCompany(tx.caller, 'RecallBatches', ref.companyId);
  const stored = await tx.state.get<RecallRecord>(OBJECT.recall, [input.recallId]);
  if (stored) {
    const { id, level, reason, batches } = stored;
    if (contentHash({ recallId: id, level, reason, batches }) !== contentHash(input)) {
      throw new ConflictError(
        'RECALL.CONFLICT',
        `recall ${input.recallId} is already recorded with different content`,
        [{ path: 'recallId', message: 'already used' }],
      );
    }
    const events = input.batches.map((b) => ({ ...b, status: 'recalled' as const, changed: false }));
    tx.emit('RecallBatches', { id: stored.id, level: stored.level, batches: events, changed: false });
    return { record: stored, changed: false };
  }
  const events: BatchEvent[] = [];
  for (const ref of input.batches) {
    const batch = (await tx.state.get<BatchRecord>(OBJECT.batch, keyOf(ref))) ?? unregistered(ref, tx);
    const record: BatchRecord = {
      ...batch,
      status: 'recalled',
      locks: [...batch.locks, entry(tx, 'recall', input.reason, input.recallId)],
      recallIds: [...batch.recallIds, input.recallId],
      anchor: tx.anchor,
    };
    await tx.state.put(OBJECT.batch, keyOf(ref), record);
    events.push(batchEvent(record, true));
  }
  const recall: RecallRecord = {
    docType: 'Recall',
    id: input.recallId,
    level: input.level,
    reason: input.reason,
    batches: input.batches,
    status: 'open',
    anchor: tx.anchor,
  };
  await tx.state.put(OBJECT.recall, [recall.id], recall);
  tx.emit('RecallBatches', { id: recall.id, level: recall.level, batches: events, changed: true });
  return { record: recall, changed: true };
}

/** A batch with its status and lock history, for any member of the network. */
export async function getBatch(
  tx: Tx,
  companyId: string,
  productCode: string,
  batchNo: string,
): Promise<BatchRecord> {
  requireRole(tx.caller, 'GetBatch', 'regulator', 'recall', 'enterprise');
  const batch = await tx.state.get<BatchRecord>(OBJECT.batch, [companyId, productCode, batchNo]);
  if (!batch)
    throw new NotFoundError(
      'BATCH.NOT_FOUND',
      `batch ${batchNo} of ${productCode} (${companyId}) is not on the ledger`,
    );
  return batch;
}

/** A recall, for regulators, recall coordinators and the companies concerned. */
export async function getRecall(tx: Tx, recallId: string): Promise<RecallRecord> {
  requireRole(tx.caller, 'GetRecall', 'regulator', 'recall', 'enterprise');
  const recall = await tx.state.get<RecallRecord>(OBJECT.recall, [recallId]);
  if (!recall) throw new NotFoundError('RECALL.NOT_FOUND', `recall ${recallId} is not on the ledger`);
  // A company-bound reader sees a recall only when it concerns one of its own batches.
  if (isCompanyBound(tx.caller) && !recall.batches.some((b) => b.companyId === tx.caller.companyId)) {
    throw new ForbiddenError(
      'ACCESS.COMPANY',
      `recall ${recallId} concerns no batch of company ${tx.caller.companyId ?? '(none)'}`,
    );
  }
  return recall;
}
