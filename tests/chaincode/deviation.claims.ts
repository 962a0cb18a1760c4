import type { DeviationClaimInput } from '../../src/records/deviation-claim.schema';
import type { SelfTestItemRef } from '../../chaincode/reports.tx';
import type { OfficialResultRecord, SelfTestRecord } from '../../src/records/ledger.records';
import { compareItemResults } from '../../src/rules/deviation.rules';
import { selectReference } from '../../src/rules/pairing.rules';
import type { TestLedger } from './ledger.fixture';

/**
 * What a gateway claims for one official item result: it reads the committed candidates,
 * pairs and compares with the `src/` rules — the same work the chaincode then checks.
 */
export async function claimFor(
  ledger: TestLedger,
  officialResultId: string,
  itemCode: string,
): Promise<DeviationClaimInput> {
  const official = await ledger.evaluate<OfficialResultRecord>(
    'regulator',
    'GetOfficialResult',
    officialResultId,
  );
  const candidates = await ledger.evaluate<SelfTestItemRef[]>(
    'regulator',
    'ListSelfTestItems',
    official.companyId,
    official.product.code,
    itemCode,
  );
  const reference = selectReference(official, candidates);
  if (!reference) return { officialResultId, itemCode, selfTestId: null, severity: null, rule: null };
  const self = await ledger.evaluate<SelfTestRecord>('regulator', 'GetSelfTest', reference.selfTestId);
  const officialItem = official.items.find((i) => i.itemCode === itemCode)!;
  const selfItem = self.items.find((i) => i.itemCode === itemCode)!;
  const outcome = compareItemResults(officialItem, selfItem);
  return {
    officialResultId,
    itemCode,
    selfTestId: reference.selfTestId,
    severity: outcome.severity,
    rule: outcome.rule,
  };
}
