import type { OfficialResultRecord, SelfTestRecord } from '../../src/records/ledger.records';
import type { DeviationClaimInput } from '../../src/records/deviation-claim.schema';
import { compareItemResults } from '../../src/rules/deviation.rules';
import { selectReference, type PairingCandidate } from '../../src/rules/pairing.rules';
import type { LedgerCalls } from './ledger.calls';

/**
 * The matcher (DESIGN §5, gateway side): for one official item result it reads the committed
 * self-test candidates, pairs and compares them with the `src/` rules and produces the claim
 * that the chaincode re-checks. Candidates come from the ledger, not from the read model, so
 * the claim agrees with what the chaincode sees even while the consumer is behind.
 */
export async function claimFor(
  calls: LedgerCalls,
  official: OfficialResultRecord,
  itemCode: string,
): Promise<DeviationClaimInput> {
  const candidates = await calls.query<PairingCandidate[]>(
    'ListSelfTestItems',
    official.companyId,
    official.product.code,
    itemCode,
  );
  const reference = selectReference(official, candidates);
  const none = { officialResultId: official.id, itemCode, selfTestId: null, severity: null, rule: null };
  if (!reference) return none;
  const self = await calls.query<SelfTestRecord>('GetSelfTest', reference.selfTestId);
  const officialItem = official.items.find((i) => i.itemCode === itemCode);
  const selfItem = self.items.find((i) => i.itemCode === itemCode);
  if (!officialItem || !selfItem) return none;
  const outcome = compareItemResults(officialItem, selfItem);
  return {
    officialResultId: official.id,
    itemCode,
    selfTestId: reference.selfTestId,
    severity: outcome.severity,
    rule: outcome.rule,
  };
}
