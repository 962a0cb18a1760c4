import { z } from 'zod';

import { BATCH_STATUSES } from '../../src/records/batch.schema';
import type { Anchor } from '../../src/records/ledger.records';
import { TASK_STATUSES } from '../../src/records/ledger.records';
import { DEVIATION_RULES, SEVERITIES } from '../../src/rules/deviation.rules';
import type { ReadModelQueries } from '../read-model/read-model.port';

/**
 * The shapes the API answers with (DESIGN §7), as zod schemas. They document the responses in
 * the OpenAPI document, type what the handlers build, and let the tests check every answer.
 * Request bodies use the domain core's own schemas (`src/records/*.schema.ts`).
 */

/** One problem with one field. */
export const fieldIssueSchema = z.object({ path: z.string(), message: z.string() });

/** Every error answer. */
export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string().describe('stable code, e.g. INPUT.INVALID, ACCESS.ROLE, REPORT.CONFLICT'),
    message: z.string(),
    details: z.array(fieldIssueSchema).optional(),
  }),
});

/** The answer to a write: the record's id and the transaction that wrote it. */
export const writeAckSchema = z.object({ id: z.string(), txId: z.string() });

/** Who wrote a record, when, in which transaction and block (`null` while the read model has not seen it). */
export const ledgerAnchorSchema = z.object({
  txId: z.string(),
  at: z.string(),
  mspId: z.string(),
  by: z.string(),
  block: z.number().int().nullable(),
});

/** A ledger record with its anchor; the other fields are those of the record type. */
export const anchoredRecordSchema = z.looseObject({
  id: z.string(),
  docType: z.string(),
  anchor: ledgerAnchorSchema,
});

/** One limit of a catalogue item. */
export const catalogueLimitSchema = z.object({
  category: z.string(),
  limit: z.number(),
  unit: z.string(),
  standard: z.string(),
  effectiveFrom: z.string(),
  effectiveTo: z.string().optional(),
});

/** One item of the test catalogue. */
export const catalogueItemSchema = z.object({
  itemCode: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  kind: z.enum(['chemical', 'microbial', 'pathogen', 'quality']),
  group: z.string(),
  unit: z.string().nullable(),
  limitType: z.enum(['max', 'min']),
  limits: z.array(catalogueLimitSchema),
});

/** A list answer: `{ items, next? }`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next: z.string().optional().describe('cursor of the next page; absent on the last'),
  });
}

/** An action taken because of a deviation. */
export const actionViewSchema = z.object({
  type: z.enum(['lock', 'sampling-task', 'code-info']),
  id: z.string(),
  txId: z.string().optional(),
  at: z.string(),
});

/** A current deviation. */
export const deviationViewSchema = z.object({
  id: z.string(),
  companyId: z.string(),
  productCode: z.string(),
  itemCode: z.string(),
  batchNo: z.string(),
  severity: z.enum(SEVERITIES),
  rule: z.enum(DEVIATION_RULES),
  metrics: z.object({
    delta: z.number().optional(),
    en: z.number().optional(),
    z: z.number().optional(),
    relDiff: z.number().optional(),
  }),
  selfTestId: z.string(),
  officialResultId: z.string(),
  revision: z.number().int(),
  txId: z.string(),
  actions: z.array(actionViewSchema),
});

/** A targeted sampling task. */
export const taskViewSchema = z.object({
  id: z.string(),
  companyId: z.string(),
  productCode: z.string(),
  itemCodes: z.array(z.string()),
  reason: z.object({
    deviationId: z.string().optional(),
    officialResultId: z.string().optional(),
    note: z.string().optional(),
  }),
  status: z.enum(TASK_STATUSES),
  inspectors: z.array(z.string()),
  seed: z.string(),
  txId: z.string(),
});

const drawCheckSchema = z.object({
  taskId: z.string(),
  seed: z.string(),
  seedMatches: z.boolean(),
  inspectors: z.array(z.string()),
  redrawn: z.array(z.string()),
  valid: z.boolean(),
});

/** The draw re-run here and on the ledger; `valid` only when both agree with the stored selection. */
export const drawVerificationSchema = drawCheckSchema.extend({ ledger: drawCheckSchema });

/** One entry of a batch's lock history. */
export const lockEntrySchema = z.object({
  action: z.enum(['lock', 'unlock', 'recall']),
  at: z.string(),
  by: z.string(),
  mspId: z.string(),
  reason: z.string(),
  txId: z.string(),
  actionId: z.string().optional(),
});

/** A batch with its status and lock history. */
export const batchViewSchema = z.looseObject({
  companyId: z.string(),
  productCode: z.string(),
  batchNo: z.string(),
  gtin: z.string().optional(),
  status: z.enum(BATCH_STATUSES),
  locks: z.array(lockEntrySchema),
  recallIds: z.array(z.string()),
  anchor: ledgerAnchorSchema,
});

/** The answer to a batch registration, lock or unlock. */
export const batchWriteSchema = z.object({
  id: z.string().describe('companyId/productCode/batchNo'),
  txId: z.string(),
  changed: z.boolean(),
  batch: batchViewSchema,
});

/** The answer to a recall. */
export const recallWriteSchema = z.object({
  id: z.string(),
  txId: z.string(),
  changed: z.boolean(),
  recall: anchoredRecordSchema,
});

/** One official finding shown to whoever scans a code. */
export const findingViewSchema = z.object({
  itemCode: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  verdict: z.enum(['pass', 'fail']),
  value: z.number().optional(),
  nd: z.boolean().optional(),
  result: z.enum(['detected', 'not-detected']).optional(),
  unit: z.string().nullable(),
  samplingNo: z.string(),
  sampledAt: z.string().describe('when the official sample was taken'),
  testedAt: z.string().describe('when the official lab tested it'),
});

/** What the GS1 Digital Link resolver answers in JSON. */
export const resolverViewSchema = z.object({
  gtin: z.string(),
  batchNo: z.string(),
  serial: z.string().optional().describe('the serial number (GS1 AI 21) of a serialised code'),
  product: z.object({ code: z.string(), name: z.string().nullable(), companyId: z.string() }),
  status: z.enum(BATCH_STATUSES),
  findings: z.array(findingViewSchema),
  anchor: z.object({ txId: z.string(), block: z.number().int().nullable() }),
});

/** What scanning a plain product barcode (a GTIN without a batch) shows: every batch's status. */
export const productCodeViewSchema = z.object({
  gtin: z.string(),
  product: z.object({ code: z.string(), name: z.string().nullable(), companyId: z.string() }),
  batches: z
    .array(
      z.object({
        batchNo: z.string(),
        status: z.enum(BATCH_STATUSES),
        failedItems: z.array(z.string()).describe('item codes whose latest official finding failed'),
        link: z.string().describe("the batch's own Digital Link path"),
      }),
    )
    .describe('recalled batches first, then locked, then the rest; latest batch numbers first in each'),
});

/** `GET /v1/status`. */
export const statusViewSchema = z.object({
  ledger: z.enum(['embedded', 'fabric']),
  height: z.number().int(),
  processedHeight: z.number().int(),
});

/** `GET /v1/stats`. */
export const statsViewSchema = z.object({
  batches: z.number().int(),
  failures: z.number().int(),
  failRate: z.number(),
  selfTests: z.number().int(),
  deviations: z.object({
    critical: z.number().int(),
    high: z.number().int(),
    warning: z.number().int(),
    info: z.number().int(),
  }),
  tasks: z.object({ open: z.number().int(), total: z.number().int() }),
  locks: z.object({ locked: z.number().int(), recalled: z.number().int() }),
});

/** `GET /healthz`. */
export const healthViewSchema = z.object({ status: z.literal('ok') });

/** A record's anchor with the block that committed it, from the read model. */
export function anchorView(anchor: Anchor, readModel: ReadModelQueries): z.output<typeof ledgerAnchorSchema> {
  return {
    txId: anchor.txId,
    at: anchor.at,
    mspId: anchor.mspId,
    by: anchor.by,
    block: readModel.blockOf?.(anchor.txId) ?? null,
  };
}

/** A ledger record as the API shows it: as stored, its anchor carrying the block. */
export function recordView<T extends { readonly anchor: Anchor }>(
  record: T,
  readModel: ReadModelQueries,
): Omit<T, 'anchor'> & { anchor: z.output<typeof ledgerAnchorSchema> } {
  return { ...record, anchor: anchorView(record.anchor, readModel) };
}
