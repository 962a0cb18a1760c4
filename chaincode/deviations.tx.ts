import { ConflictError, NotFoundError, ValidationError } from '../src/errors/domain.error';
import { deviationClaimSchema, type DeviationClaimInput } from '../src/records/deviation-claim.schema';
import {
  deviationId,
  type DeviationRecord,
  type OfficialResultRecord,
  type SelfTestRecord,
} from '../src/records/ledger.records';
import { parseJsonInput } from '../src/records/parse';
import { compareItemResults, type ComparisonOutcome } from '../src/rules/deviation.rules';
import { selectReference } from '../src/rules/pairing.rules';
import { canonicalJson } from '../src/records/canonical-json';
import { requireReader, requireRole } from './access.policy';
import { OBJECT } from './ledger.keys';
import type { SelfTestItemRef } from './reports.tx';
import type { JudgedItemResult } from '../src/rules/verdict.rules';
import type { LedgerEvents } from '../src/records/ledger.events';
import type { Tx, WriteResult } from './tx.context';

/**
 * Deviations (偏差): the gateway claims the outcome of comparing an official item result with
 * its reference self-test; the chaincode re-selects the reference from the committed index and
 * recomputes the comparison with the same `src/` rules, and refuses a claim that disagrees.
 * Because the reference is re-selected from everything committed, the stored deviation does not
 * depend on the order in which the records arrived.
 */

async function referenceFor(
  tx: Tx,
  official: OfficialResultRecord,
  itemCode: string,
): Promise<SelfTestItemRef | undefined> {
  const candidates = await tx.state.list<SelfTestItemRef>(OBJECT.selfTestByItem, [
    official.companyId,
    official.product.code,
    itemCode,
  ]);
  return selectReference(official, candidates);
}

async function compareWith(
  tx: Tx,
  official: OfficialResultRecord,
  itemCode: string,
  selfTestId: string,
): Promise<ComparisonOutcome> {
  const self = await tx.state.get<SelfTestRecord>(OBJECT.selfTest, [selfTestId]);
  const selfItem = self?.items.find((i) => i.itemCode === itemCode);
  const officialItem = official.items.find((i) => i.itemCode === itemCode);
  if (!selfItem || !officialItem)
    throw new NotFoundError('DEVIATION.RECORD_MISSING', `${selfTestId} has no ${itemCode} result`);
  return compareItemResults(officialItem, selfItem);
}

function sameOutcome(stored: DeviationRecord, next: DeviationContent): boolean {
  const { anchor: _anchor, revision: _revision, ...content } = stored;
  return canonicalJson(content) === canonicalJson(next);
}

type DeviationContent = Omit<DeviationRecord, 'anchor' | 'revision'>;

async function requireOfficialItem(
  tx: Tx,
  claim: DeviationClaimInput,
): Promise<{ official: OfficialResultRecord; officialItem: JudgedItemResult }> {
  const official = await tx.state.get<OfficialResultRecord>(OBJECT.officialResult, [claim.officialResultId]);
  if (!official)
    throw new NotFoundError(
      'OFFICIAL_RESULT.NOT_FOUND',
      `official result ${claim.officialResultId} is not on the ledger`,
    );
  const officialItem = official.items.find((i) => i.itemCode === claim.itemCode);
  if (!officialItem) {
    throw new ValidationError(
      'DEVIATION.NO_SUCH_ITEM',
      `${claim.officialResultId} has no ${claim.itemCode} result`,
      [{ path: 'itemCode', message: 'not in the official result' }],
    );
  }
  return { official, officialItem };
}

function label(value: string | null, none: string): string {
  return value ?? none;
}

/** Refuses a claim whose reference or outcome differs from what the rules give on committed state. */
function checkClaim(
  claim: DeviationClaimInput,
  referenceId: string | null,
  outcome: ComparisonOutcome | undefined,
): void {
  const where = `${claim.officialResultId}/${claim.itemCode}`;
  if (referenceId !== claim.selfTestId) {
    throw new ConflictError(
      'DEVIATION.REFERENCE_MISMATCH',
      `the reference self-test for ${where} is ${label(referenceId, 'none')}, not ${label(claim.selfTestId, 'none')}`,
      [{ path: 'selfTestId', message: `expected ${label(referenceId, 'null')}` }],
    );
  }
  const severity = outcome ? outcome.severity : null;
  const rule = outcome ? outcome.rule : null;
  if (severity !== claim.severity || rule !== claim.rule) {
    throw new ConflictError(
      'DEVIATION.MISMATCH',
      `the rules give ${label(severity, 'no deviation')} (${label(rule, 'no rule')}) for ${where}, not ${label(claim.severity, 'no deviation')} (${label(claim.rule, 'no rule')})`,
      [{ path: 'severity', message: `expected ${label(severity, 'null')}` }],
    );
  }
}

function contentOf(
  official: OfficialResultRecord,
  officialItem: JudgedItemResult,
  claim: DeviationClaimInput,
  outcome: ComparisonOutcome | undefined,
): DeviationContent {
  const base = {
    docType: 'Deviation' as const,
    id: deviationId(official.id, claim.itemCode),
    officialResultId: official.id,
    selfTestId: claim.selfTestId,
    companyId: official.companyId,
    productCode: official.product.code,
    itemCode: claim.itemCode,
    batchNo: official.batchNo,
    officialVerdict: officialItem.judgement.verdict,
  };
  if (!outcome)
    return {
      ...base,
      severity: null,
      rule: null,
      metrics: {},
      selfVerdict: null,
      unit: officialItem.unit ?? null,
    };
  return {
    ...base,
    severity: outcome.severity,
    rule: outcome.rule,
    metrics: outcome.metrics,
    selfVerdict: outcome.selfVerdict,
    unit: outcome.unit,
    ...(outcome.officialValue === undefined ? {} : { officialValue: outcome.officialValue }),
    ...(outcome.selfValue === undefined ? {} : { selfValue: outcome.selfValue }),
  };
}

function eventOf(content: DeviationContent, changed: boolean): LedgerEvents['RecordDeviation'] {
  const { id, officialResultId, selfTestId, companyId, productCode, itemCode, batchNo, severity, rule } =
    content;
  return {
    id,
    officialResultId,
    selfTestId,
    companyId,
    productCode,
    itemCode,
    batchNo,
    severity,
    rule,
    changed,
  };
}

/** Records (or revises) the deviation of one official item result, after checking the claim. */
export async function recordDeviation(tx: Tx, payload: string): Promise<WriteResult<DeviationRecord | null>> {
  requireRole(tx.caller, 'RecordDeviation', 'regulator');
  const claim = parseJsonInput(deviationClaimSchema, payload, 'deviation');
  const { official, officialItem } = await requireOfficialItem(tx, claim);
  const reference = await referenceFor(tx, official, claim.itemCode);
  const outcome = reference
    ? await compareWith(tx, official, claim.itemCode, reference.selfTestId)
    : undefined;
  checkClaim(claim, reference ? reference.selfTestId : null, outcome);
  const content = contentOf(official, officialItem, claim, outcome);
  const stored = await tx.state.get<DeviationRecord>(OBJECT.deviation, [content.id]);
  if (!stored && !outcome) {
    // Nothing to compare with and nothing said before: there is no deviation to record.
    tx.emit('RecordDeviation', eventOf(content, false));
    return { record: null, changed: false };
  }
  if (stored && sameOutcome(stored, content)) {
    tx.emit('RecordDeviation', eventOf(content, false));
    return { record: stored, changed: false };
  }
  const record: DeviationRecord = { ...content, revision: (stored?.revision ?? 0) + 1, anchor: tx.anchor };
  await tx.state.put(OBJECT.deviation, [record.id], record);
  if (!stored)
    await tx.state.put(
      OBJECT.deviationByItem,
      [record.companyId, record.productCode, record.itemCode, record.id],
      { id: record.id },
    );
  tx.emit('RecordDeviation', eventOf(record, true));
  return { record, changed: true };
}

/** One deviation, for the company concerned or a regulator. */
export async function getDeviation(tx: Tx, id: string): Promise<DeviationRecord> {
  const record = await tx.state.get<DeviationRecord>(OBJECT.deviation, [id]);
  if (!record) throw new NotFoundError('DEVIATION.NOT_FOUND', `deviation ${id} is not on the ledger`);
  requireReader(tx.caller, 'GetDeviation', record.companyId);
  return record;
}

/** The deviations of a company, optionally narrowed to a product and an item. */
export async function listDeviations(
  tx: Tx,
  companyId: string,
  productCode: string,
  itemCode: string,
): Promise<DeviationRecord[]> {
  requireReader(tx.caller, 'ListDeviations', companyId);
  const attributes = [companyId, productCode, itemCode].filter(
    (a, i, all) => a !== '' && all.slice(0, i).every((b) => b !== ''),
  );
  const refs = await tx.state.list<{ id: string }>(OBJECT.deviationByItem, attributes);
  const records: DeviationRecord[] = [];
  for (const ref of refs) {
    const record = await tx.state.get<DeviationRecord>(OBJECT.deviation, [ref.id]);
    if (record) records.push(record);
  }
  return records;
}
