import { JSONSerializer, type Contract } from 'fabric-contract-api';
import type { ChaincodeInterface } from 'fabric-shim';
import { contracts } from './index';

/**
 * A typed door to fabric-shim's own contract dispatcher (`ChaincodeFromContract`), which the
 * package does not export in its type definitions. A real peer's chaincode process and the
 * embedded ledger both run the contracts through this very dispatcher, so routing, argument
 * handling, hooks and serialisation are identical on both.
 */
type ContractClass = new () => Contract;
type ChaincodeFromContractClass = new (
  contractClasses: ContractClass[],
  serializers: unknown,
  metadata: object,
  title: string,
  version: string,
) => ChaincodeInterface;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal module without typings
const ChaincodeFromContract =
  require('fabric-shim/lib/contract-spi/chaincodefromcontract') as ChaincodeFromContractClass;

/** The chaincode name and version it reports in its metadata. */
export const CHAINCODE_TITLE = 'food-inspection';
export const CHAINCODE_VERSION = '1.0.0';

/** Builds the chaincode (all our contracts plus Fabric's system contract) as the peer would run it. */
export function createChaincode(contractClasses: readonly ContractClass[] = contracts): ChaincodeInterface {
  const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };
  // The dispatcher appends its system contract to the array it is given: hand it a copy.
  return new ChaincodeFromContract([...contractClasses], serializers, {}, CHAINCODE_TITLE, CHAINCODE_VERSION);
}
