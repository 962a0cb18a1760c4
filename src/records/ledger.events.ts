import type { BatchStatus } from './batch.schema';
import type { DeviationRule, Severity } from '../rules/deviation.rules';

/**
 * The chaincode events (DESIGN §4): one per transaction, named after it, carrying the ids a
 * consumer needs to act without reading the whole record. `changed` is false when the
 * transaction was a harmless replay that wrote nothing.
 */
export interface LedgerEvents {
  RegisterCompany: { companyId: string; changed: boolean };
  RegisterInspector: { inspectorId: string; changed: boolean };
  SubmitSelfTest: {
    id: string;
    companyId: string;
    productCode: string;
    batchNo: string;
    itemCodes: string[];
    changed: boolean;
  };
  SubmitOfficialResult: {
    id: string;
    companyId: string;
    productCode: string;
    batchNo: string;
    gtin?: string;
    itemCodes: string[];
    failedItemCodes: string[];
    taskId?: string;
    changed: boolean;
  };
  RecordDeviation: {
    id: string;
    officialResultId: string;
    selfTestId: string | null;
    companyId: string;
    productCode: string;
    itemCode: string;
    batchNo: string;
    severity: Severity | null;
    rule: DeviationRule | null;
    changed: boolean;
  };
  OpenSamplingTask: {
    id: string;
    companyId: string;
    productCode: string;
    itemCodes: string[];
    inspectors: string[];
    changed: boolean;
  };
  UpdateSamplingTask: { id: string; status: string; changed: boolean };
  RegisterBatch: { companyId: string; productCode: string; batchNo: string; changed: boolean };
  LockBatch: BatchEvent;
  UnlockBatch: BatchEvent;
  RecallBatches: { id: string; level: 1 | 2 | 3; batches: BatchEvent[]; changed: boolean };
  UpdateCodeInfo: {
    companyId: string;
    productCode: string;
    batchNo: string;
    gtin?: string;
    status: BatchStatus;
    changed: boolean;
  };
}

/** What a batch event says of the batch. */
export interface BatchEvent {
  companyId: string;
  productCode: string;
  batchNo: string;
  status: BatchStatus;
  changed: boolean;
}

export type LedgerEventName = keyof LedgerEvents;
