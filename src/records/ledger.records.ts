import type { DrawCandidate, ExclusionLevel } from '../draw/random-draw';
import type { DeviationMetrics, DeviationRule, Severity } from '../rules/deviation.rules';
import type { Verdict } from './item-result.schema';
import type { BatchRef, BatchStatus } from './batch.schema';
import type { CompanyInput, InspectorInput } from './party.schema';
import type { OfficialResultContent, SelfTestContent } from './report.schema';
import type { UnitCode } from '../units/unit.conversion';

/**
 * The assets on the ledger (DESIGN §4) as the chaincode writes them and everyone else reads
 * them. Each carries an {@link Anchor}: who wrote it, in which transaction, at which
 * transaction time.
 */

/** Who wrote a record and when, from the transaction itself. */
export interface Anchor {
  readonly txId: string;
  /** The transaction timestamp (ISO, UTC) — never a clock reading. */
  readonly at: string;
  readonly mspId: string;
  /** The X.509 identity (`x509::subject::issuer`). */
  readonly by: string;
}

export interface CompanyRecord extends CompanyInput {
  readonly docType: 'Company';
  readonly anchor: Anchor;
}

export interface InspectorRecord extends InspectorInput {
  readonly docType: 'Inspector';
  readonly anchor: Anchor;
}

export type SelfTestRecord = SelfTestContent & {
  readonly docType: 'SelfTestReport';
  /** SHA-256 of the canonical input: the same report again is recognised by it. */
  readonly inputHash: string;
  readonly anchor: Anchor;
};

export type OfficialResultRecord = OfficialResultContent & {
  readonly docType: 'OfficialResult';
  readonly inputHash: string;
  readonly anchor: Anchor;
};

/**
 * The current comparison of one official item result with its reference self-test. Its id is
 * fixed per official item result, so a better reference arriving later rewrites the same key
 * and the ledger's key history keeps what it said before.
 */
export interface DeviationRecord {
  readonly docType: 'Deviation';
  readonly id: string;
  readonly officialResultId: string;
  readonly selfTestId: string | null;
  readonly companyId: string;
  readonly productCode: string;
  readonly itemCode: string;
  readonly batchNo: string;
  /** `null`: compared and in agreement, or no reference to compare with. */
  readonly severity: Severity | null;
  readonly rule: DeviationRule | null;
  readonly metrics: DeviationMetrics;
  readonly officialVerdict: Verdict;
  readonly selfVerdict: Verdict | null;
  readonly unit: UnitCode | null;
  readonly officialValue?: string;
  readonly selfValue?: string;
  /** 1 for the first comparison, then one more each time the reference changes. */
  readonly revision: number;
  readonly anchor: Anchor;
}

export const TASK_STATUSES = ['open', 'completed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A targeted sampling task (点穴式抽检) with the inspectors its draw picked. */
export interface SamplingTaskRecord {
  readonly docType: 'SamplingTask';
  readonly id: string;
  readonly companyId: string;
  readonly productCode: string;
  readonly itemCodes: readonly string[];
  readonly reason: {
    readonly deviationId?: string;
    readonly officialResultId?: string;
    readonly note?: string;
  };
  readonly status: TaskStatus;
  readonly inspectors: readonly string[];
  readonly seed: string;
  /** The pool as it stood when drawn, so the draw can be re-run by anyone. */
  readonly pool: readonly DrawCandidate[];
  readonly companyRegion: string;
  readonly exclusion: ExclusionLevel;
  readonly count: number;
  /** The transaction that created the task and whose id seeded the draw. */
  readonly txId: string;
  readonly statusHistory: readonly {
    readonly status: TaskStatus;
    readonly at: string;
    readonly txId: string;
    readonly note?: string;
  }[];
  readonly anchor: Anchor;
}

/** One lock or unlock of a batch. */
export interface LockEntry {
  readonly action: 'lock' | 'unlock' | 'recall';
  readonly at: string;
  readonly by: string;
  readonly mspId: string;
  readonly reason: string;
  readonly txId: string;
  readonly actionId?: string;
}

/** A batch (批次) with its status and lock history. */
export interface BatchRecord extends BatchRef {
  readonly docType: 'Batch';
  readonly gtin?: string;
  readonly productName?: string;
  readonly productionDate?: string;
  readonly quantity?: number;
  readonly unit?: string;
  /** False when the batch first appeared through a lock or recall rather than registration. */
  readonly registered: boolean;
  readonly status: BatchStatus;
  readonly locks: readonly LockEntry[];
  readonly recallIds: readonly string[];
  readonly anchor: Anchor;
}

/** A recall decision (召回). */
export interface RecallRecord {
  readonly docType: 'Recall';
  readonly id: string;
  readonly level: 1 | 2 | 3;
  readonly reason: string;
  readonly batches: readonly BatchRef[];
  readonly status: 'open' | 'closed';
  readonly anchor: Anchor;
}

/** One official finding shown to whoever scans a batch's code. */
export interface CodeFinding {
  readonly itemCode: string;
  readonly verdict: Verdict;
  readonly value?: number;
  readonly nd?: boolean;
  readonly result?: 'detected' | 'not-detected';
  readonly unit: UnitCode | null;
  readonly samplingNo: string;
  /** When the official sample was taken. */
  readonly sampledAt: string;
  /** When the official lab tested it. */
  readonly testedAt: string;
}

/** The information embedded in a batch's code (信息入码), rebuilt from the ledger on each update. */
export interface CodeInfoRecord extends BatchRef {
  readonly docType: 'CodeInfo';
  readonly gtin?: string;
  readonly productName?: string;
  readonly status: BatchStatus;
  readonly findings: readonly CodeFinding[];
  readonly anchor: Anchor;
}

/** Every record the ledger holds. */
export type LedgerRecord =
  | CompanyRecord
  | InspectorRecord
  | SelfTestRecord
  | OfficialResultRecord
  | DeviationRecord
  | SamplingTaskRecord
  | BatchRecord
  | RecallRecord
  | CodeInfoRecord;

/** The deviation id of one official item result. */
export function deviationId(officialResultId: string, itemCode: string): string {
  return `DV-${officialResultId}-${itemCode}`;
}
