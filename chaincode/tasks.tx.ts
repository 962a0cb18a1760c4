import { z } from 'zod';
import { ConflictError, NotFoundError } from '../src/errors/domain.error';
import { itemCodeSchema } from '../src/catalogue/item.catalogue';
import { drawCandidates, drawSeed, type DrawCandidate } from '../src/draw/random-draw';
import { codeSchema } from '../src/identifiers/code.schema';
import { companyIdSchema } from '../src/identifiers/credit-code.identifier';
import type {
  InspectorRecord,
  OfficialResultRecord,
  SamplingTaskRecord,
  TaskStatus,
} from '../src/records/ledger.records';
import { parseJsonInput } from '../src/records/parse';
import { requireRole } from './access.policy';
import { OBJECT } from './ledger.keys';
import { requireCompanyRecord } from './parties.tx';
import type { Tx, WriteResult } from './tx.context';
import { verifyDraw, type DrawVerification } from '../src/draw/draw.verification';

/**
 * Targeted sampling tasks (点穴式抽检). Opening one draws its inspectors inside the transaction
 * from the transaction id (双随机): the seed, the pool as it stood and the exclusion rule are
 * stored with the task so anyone can re-run the draw. At most one task is open per company +
 * product + item; asking again returns the open one.
 */
export const openTaskSchema = z
  .object({
    taskId: codeSchema('taskId', 200),
    companyId: companyIdSchema,
    productCode: codeSchema('productCode'),
    itemCodes: z.array(itemCodeSchema).min(1, { error: 'itemCodes must name at least one item' }).max(50),
    reason: z
      .object({
        deviationId: codeSchema('reason.deviationId', 300).optional(),
        officialResultId: codeSchema('reason.officialResultId', 200).optional(),
        note: z.string().trim().max(500).optional(),
      })
      .strict(),
    count: z.number().int().min(1).max(10).default(2),
    exclusion: z.enum(['county', 'prefecture', 'province']).default('county'),
  })
  .strict();

export const updateTaskSchema = z
  .object({
    taskId: codeSchema('taskId', 200),
    status: z.enum(['completed', 'cancelled'], { error: 'status must be "completed" or "cancelled"' }),
    note: z.string().trim().max(500).optional(),
  })
  .strict();

/** Opens a targeted sampling task, or returns the one already open for these items. */
export async function openSamplingTask(tx: Tx, payload: string): Promise<WriteResult<SamplingTaskRecord>> {
  requireRole(tx.caller, 'OpenSamplingTask', 'regulator');
  const input = parseJsonInput(openTaskSchema, payload, 'sampling task');
  const existing = await tx.state.get<SamplingTaskRecord>(OBJECT.task, [input.taskId]);
  const itemCodes = [...new Set(input.itemCodes)].sort();
  const openOne = existing ?? (await openTaskFor(tx, input.companyId, input.productCode, itemCodes));
  if (openOne) {
    tx.emit('OpenSamplingTask', eventOf(openOne, false));
    return { record: openOne, changed: false };
  }
  const company = await requireCompanyRecord(tx, input.companyId);
  const pool: DrawCandidate[] = (await tx.state.list<InspectorRecord>(OBJECT.inspector, [])).map((i) => ({
    id: i.inspectorId,
    region: i.region,
    active: i.active,
  }));
  const seed = drawSeed(tx.txId, input.taskId);
  const draw = drawCandidates({
    seed,
    candidates: pool,
    companyRegion: company.region,
    exclusion: input.exclusion,
    count: input.count,
  });
  if (draw.selected.length === 0) {
    throw new ConflictError(
      'DRAW.NO_ELIGIBLE_INSPECTOR',
      `no active inspector outside region ${company.region} is registered`,
    );
  }
  const record: SamplingTaskRecord = {
    docType: 'SamplingTask',
    id: input.taskId,
    companyId: input.companyId,
    productCode: input.productCode,
    itemCodes,
    reason: input.reason,
    status: 'open',
    inspectors: draw.selected,
    seed,
    pool,
    companyRegion: company.region,
    exclusion: input.exclusion,
    count: input.count,
    txId: tx.txId,
    statusHistory: [{ status: 'open', at: tx.at, txId: tx.txId }],
    anchor: tx.anchor,
  };
  await tx.state.put(OBJECT.task, [record.id], record);
  await tx.state.put(OBJECT.taskByCompany, [record.companyId, record.id], { id: record.id });
  for (const itemCode of itemCodes) {
    await tx.state.put(OBJECT.openTaskByItem, [record.companyId, record.productCode, itemCode], {
      id: record.id,
    });
  }
  tx.emit('OpenSamplingTask', eventOf(record, true));
  return { record, changed: true };
}

function eventOf(task: SamplingTaskRecord, changed: boolean) {
  return {
    id: task.id,
    companyId: task.companyId,
    productCode: task.productCode,
    itemCodes: [...task.itemCodes],
    inspectors: [...task.inspectors],
    changed,
  };
}

async function openTaskFor(
  tx: Tx,
  companyId: string,
  productCode: string,
  itemCodes: readonly string[],
): Promise<SamplingTaskRecord | undefined> {
  for (const itemCode of itemCodes) {
    const ref = await tx.state.get<{ id: string }>(OBJECT.openTaskByItem, [companyId, productCode, itemCode]);
    if (ref) return tx.state.get<SamplingTaskRecord>(OBJECT.task, [ref.id]);
  }
  return undefined;
}

async function setStatus(
  tx: Tx,
  task: SamplingTaskRecord,
  status: TaskStatus,
  note?: string,
): Promise<SamplingTaskRecord> {
  const entry =
    note === undefined ? { status, at: tx.at, txId: tx.txId } : { status, at: tx.at, txId: tx.txId, note };
  const record: SamplingTaskRecord = { ...task, status, statusHistory: [...task.statusHistory, entry] };
  await tx.state.put(OBJECT.task, [task.id], record);
  for (const itemCode of task.itemCodes)
    await tx.state.delete(OBJECT.openTaskByItem, [task.companyId, task.productCode, itemCode]);
  return record;
}

/**
 * Closes the task an official targeted result answers, when it is open and concerns the same
 * company and product (called from within SubmitOfficialResult).
 */
export async function completeTaskBy(tx: Tx, taskId: string, result: OfficialResultRecord): Promise<void> {
  const task = await tx.state.get<SamplingTaskRecord>(OBJECT.task, [taskId]);
  if (!task || task.status !== 'open') return;
  if (task.companyId !== result.companyId || task.productCode !== result.product.code) return;
  await setStatus(tx, task, 'completed', `answered by ${result.id}`);
}

/** Completes or cancels an open task. */
export async function updateSamplingTask(tx: Tx, payload: string): Promise<WriteResult<SamplingTaskRecord>> {
  requireRole(tx.caller, 'UpdateSamplingTask', 'regulator');
  const input = parseJsonInput(updateTaskSchema, payload, 'task update');
  const task = await requireTask(tx, input.taskId);
  if (task.status === input.status) {
    tx.emit('UpdateSamplingTask', { id: task.id, status: task.status, changed: false });
    return { record: task, changed: false };
  }
  if (task.status !== 'open') {
    throw new ConflictError('TASK.CLOSED', `task ${task.id} is already ${task.status}`, [
      { path: 'status', message: `the task is ${task.status}` },
    ]);
  }
  const record = await setStatus(tx, task, input.status, input.note);
  tx.emit('UpdateSamplingTask', { id: task.id, status: record.status, changed: true });
  return { record, changed: true };
}

async function requireTask(tx: Tx, taskId: string): Promise<SamplingTaskRecord> {
  const task = await tx.state.get<SamplingTaskRecord>(OBJECT.task, [taskId]);
  if (!task) throw new NotFoundError('TASK.NOT_FOUND', `sampling task ${taskId} is not on the ledger`);
  return task;
}

/** One task, for regulators. */
export async function getSamplingTask(tx: Tx, taskId: string): Promise<SamplingTaskRecord> {
  requireRole(tx.caller, 'GetSamplingTask', 'regulator');
  return requireTask(tx, taskId);
}

/** A company's tasks, optionally with one status, for regulators. */
export async function listSamplingTasks(
  tx: Tx,
  companyId: string,
  status: string,
): Promise<SamplingTaskRecord[]> {
  requireRole(tx.caller, 'ListSamplingTasks', 'regulator');
  const refs = await tx.state.list<{ id: string }>(OBJECT.taskByCompany, companyId === '' ? [] : [companyId]);
  const tasks: SamplingTaskRecord[] = [];
  for (const ref of refs) {
    const task = await tx.state.get<SamplingTaskRecord>(OBJECT.task, [ref.id]);
    if (task && (status === '' || task.status === status)) tasks.push(task);
  }
  return tasks;
}

/** Re-runs the draw of a stored task on the ledger. */
export async function verifySamplingDraw(tx: Tx, taskId: string): Promise<DrawVerification> {
  requireRole(tx.caller, 'VerifySamplingDraw', 'regulator');
  return verifyDraw(await requireTask(tx, taskId));
}
