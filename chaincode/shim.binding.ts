import { JSONSerializer, type Contract } from 'fabric-contract-api';
import type { ChaincodeInterface } from 'fabric-shim';

/**
 * A typed door to fabric-shim's own contract dispatcher (`ChaincodeFromContract`, the class a
 * chaincode process runs under `fabric-chaincode-node start|server`), which the package does
 * not export in its type definitions. A real peer's chaincode service and the embedded ledger
 * both run the contracts through it, so routing of `Contract:Tx` names, parameter marshalling,
 * the transaction hooks, serialisation and `ClientIdentity` creation are identical on both.
 */

/** A contract class as fabric-contract-api registers it: constructed once, with no arguments. */
export type ContractClass = new () => Contract;

/** What the metadata records about the chaincode as a whole. */
export interface ChaincodeInfo {
  readonly title?: string;
  readonly version?: string;
}

/** The serializer configuration fabric-shim's bootstrap passes when a package exports none. */
interface SerializerConfiguration {
  transaction: string;
  serializers: Record<string, typeof JSONSerializer>;
}

type ChaincodeFromContractConstructor = new (
  contracts: ContractClass[],
  serializers: SerializerConfiguration,
  metadata: object,
  title?: string,
  version?: string,
) => ChaincodeInterface;

function loadChaincodeFromContract(): ChaincodeFromContractConstructor {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- fabric-shim ships no typings for its contract SPI; the value is checked below.
  const loaded: unknown = require('fabric-shim/lib/contract-spi/chaincodefromcontract');
  if (typeof loaded !== 'function') {
    throw new Error('fabric-shim/lib/contract-spi/chaincodefromcontract did not export a class');
  }
  // JS boundary: the constructor's shape is that of fabric-shim 2.5.x's chaincodefromcontract.js.
  return loaded as ChaincodeFromContractConstructor;
}

/** The chaincode name and version reported in its metadata. */
export const CHAINCODE_INFO: Required<ChaincodeInfo> = { title: 'food-inspection', version: '1.0.0' };

/** Builds the chaincode from contract classes (plus Fabric's system contract) as a peer runs it. */
export function createChaincode(
  contracts: readonly ContractClass[],
  info: ChaincodeInfo = CHAINCODE_INFO,
): ChaincodeInterface {
  const ChaincodeFromContract = loadChaincodeFromContract();
  const serialization: SerializerConfiguration = {
    transaction: 'jsonSerializer',
    serializers: { jsonSerializer: JSONSerializer },
  };
  // A copy: the dispatcher appends its system contract to the array it is given.
  return new ChaincodeFromContract([...contracts], serialization, {}, info.title, info.version);
}
