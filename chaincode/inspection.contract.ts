import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { DomainError } from '../src/errors/domain.error';
import { callerOf } from './access.policy';
import { getBatch, getRecall, lockBatch, recallBatches, registerBatch, unlockBatch } from './batches.tx';
import { findCodeInfo, listCodeInfoByGtin, updateCodeInfo } from './code-info.tx';
import { getDeviation, listDeviations, recordDeviation } from './deviations.tx';
import { getHistory } from './history.tx';
import { getCompany, getInspector, listInspectors, registerCompany, registerInspector } from './parties.tx';
import {
  getOfficialResult,
  getSelfTest,
  listOfficialItems,
  listSelfTestItems,
  submitOfficialResult,
  submitSelfTest,
} from './reports.tx';
import {
  getSamplingTask,
  listSamplingTasks,
  openSamplingTask,
  updateSamplingTask,
  verifySamplingDraw,
} from './tasks.tx';
import { openTx, type Tx } from './tx.context';

/**
 * The food-safety inspection contract. Every argument is a string (a JSON payload or an id)
 * parsed with zod inside; every write transaction returns `{ record, changed }` as JSON (the report
 * transactions a receipt `{ id, anchor }` as `record`) and emits one chaincode event named after
 * itself; reads return the record(s) as JSON.
 *
 * A failure is thrown as an `Error` whose message is the JSON of a domain error
 * (`{"code":"ACCESS.ROLE","message":"…","details":[…]}`), so that a client on any ledger gets
 * the same stable code back.
 */
@Info({
  title: 'InspectionContract',
  description: 'Food-safety inspection chain: self-tests, official results, deviations, tasks, batches',
})
export class InspectionContract extends Contract {
  constructor() {
    super('inspection');
  }

  /**
   * Runs one transaction function and returns its result as JSON. A domain error is rethrown as
   * an `Error` carrying the error's JSON, so that its code survives the trip through the peer.
   */
  private static async run(ctx: Context, work: (tx: Tx) => Promise<unknown>): Promise<string> {
    try {
      return JSON.stringify(await work(openTx(ctx)));
    } catch (error: unknown) {
      if (error instanceof DomainError) throw new Error(JSON.stringify(error.toJSON()));
      throw error;
    }
  }

  @Transaction()
  @Returns('string')
  async RegisterCompany(ctx: Context, payload: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => registerCompany(tx, payload));
  }

  @Transaction()
  @Returns('string')
  async RegisterInspector(ctx: Context, payload: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => registerInspector(tx, payload));
  }

  @Transaction()
  @Returns('string')
  async SubmitSelfTest(ctx: Context, payload: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => submitSelfTest(tx, payload));
  }

  @Transaction()
  @Returns('string')
  async SubmitOfficialResult(ctx: Context, payload: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => submitOfficialResult(tx, payload));
  }

  @Transaction()
  @Returns('string')
  async RecordDeviation(ctx: Context, payload: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => recordDeviation(tx, payload));
  }

  @Transaction()
  @Returns('string')
  async OpenSamplingTask(ctx: Context, payload: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => openSamplingTask(tx, payload));
  }

  @Transaction()
  @Returns('string')
  async UpdateSamplingTask(ctx: Context, payload: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => updateSamplingTask(tx, payload));
  }

  @Transaction()
  @Returns('string')
  async RegisterBatch(ctx: Context, payload: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => registerBatch(tx, payload));
  }

  @Transaction()
  @Returns('string')
  async LockBatch(ctx: Context, payload: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => lockBatch(tx, payload));
  }

  @Transaction()
  @Returns('string')
  async UnlockBatch(ctx: Context, payload: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => unlockBatch(tx, payload));
  }

  @Transaction()
  @Returns('string')
  async RecallBatches(ctx: Context, payload: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => recallBatches(tx, payload));
  }

  @Transaction()
  @Returns('string')
  async UpdateCodeInfo(ctx: Context, payload: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => updateCodeInfo(tx, payload));
  }

  @Transaction(false)
  @Returns('string')
  async WhoAmI(ctx: Context): Promise<string> {
    return Promise.resolve(JSON.stringify(callerOf(ctx)));
  }

  @Transaction(false)
  @Returns('string')
  async GetCompany(ctx: Context, companyId: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => getCompany(tx, companyId));
  }

  @Transaction(false)
  @Returns('string')
  async GetInspector(ctx: Context, inspectorId: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => getInspector(tx, inspectorId));
  }

  @Transaction(false)
  @Returns('string')
  async ListInspectors(ctx: Context): Promise<string> {
    return InspectionContract.run(ctx, (tx) => listInspectors(tx));
  }

  @Transaction(false)
  @Returns('string')
  async GetSelfTest(ctx: Context, id: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => getSelfTest(tx, id));
  }

  @Transaction(false)
  @Returns('string')
  async GetOfficialResult(ctx: Context, id: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => getOfficialResult(tx, id));
  }

  @Transaction(false)
  @Returns('string')
  async ListSelfTestItems(
    ctx: Context,
    companyId: string,
    productCode: string,
    itemCode: string,
  ): Promise<string> {
    return InspectionContract.run(ctx, (tx) => listSelfTestItems(tx, companyId, productCode, itemCode));
  }

  @Transaction(false)
  @Returns('string')
  async ListOfficialItems(
    ctx: Context,
    companyId: string,
    productCode: string,
    itemCode: string,
  ): Promise<string> {
    return InspectionContract.run(ctx, (tx) => listOfficialItems(tx, companyId, productCode, itemCode));
  }

  @Transaction(false)
  @Returns('string')
  async GetDeviation(ctx: Context, id: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => getDeviation(tx, id));
  }

  @Transaction(false)
  @Returns('string')
  async ListDeviations(
    ctx: Context,
    companyId: string,
    productCode: string,
    itemCode: string,
  ): Promise<string> {
    return InspectionContract.run(ctx, (tx) => listDeviations(tx, companyId, productCode, itemCode));
  }

  @Transaction(false)
  @Returns('string')
  async GetSamplingTask(ctx: Context, taskId: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => getSamplingTask(tx, taskId));
  }

  @Transaction(false)
  @Returns('string')
  async ListSamplingTasks(ctx: Context, companyId: string, status: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => listSamplingTasks(tx, companyId, status));
  }

  @Transaction(false)
  @Returns('string')
  async VerifySamplingDraw(ctx: Context, taskId: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => verifySamplingDraw(tx, taskId));
  }

  @Transaction(false)
  @Returns('string')
  async GetBatch(ctx: Context, companyId: string, productCode: string, batchNo: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => getBatch(tx, companyId, productCode, batchNo));
  }

  @Transaction(false)
  @Returns('string')
  async GetRecall(ctx: Context, recallId: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => getRecall(tx, recallId));
  }

  @Transaction(false)
  @Returns('string')
  async FindCodeInfo(ctx: Context, gtin: string, batchNo: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => findCodeInfo(tx, gtin, batchNo));
  }

  @Transaction(false)
  @Returns('string')
  async ListCodeInfoByGtin(ctx: Context, gtin: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => listCodeInfoByGtin(tx, gtin));
  }

  @Transaction(false)
  @Returns('string')
  async GetHistory(ctx: Context, kind: string, keyParts: string): Promise<string> {
    return InspectionContract.run(ctx, (tx) => getHistory(tx, kind, keyParts));
  }
}
