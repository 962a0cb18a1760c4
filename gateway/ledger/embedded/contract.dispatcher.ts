/**
 * A typed door onto fabric-shim's own contract dispatcher (`ChaincodeFromContract`, the class a
 * chaincode process runs under `fabric-chaincode-node start|server`). Routing of `Contract:Tx` names
 * and the default contract, parameter marshalling against the decorator metadata, the
 * before/after/unknownTransaction hooks, return-value serialization and `ClientIdentity` creation
 * are therefore exactly those of a real peer.
 */
import type { ChaincodeStub } from 'fabric-shim';
import type { Contract } from 'fabric-contract-api';
import { JSONSerializer } from 'fabric-contract-api';

/** A contract class as fabric-contract-api registers it: constructed once, with no arguments. */
export type ContractClass = new () => Contract;

/** The chaincode's answer to one invocation (fabric-shim's `ChaincodeResponse`). */
export interface ChaincodeResponse {
  /** 200 on success; 500 when the contract threw, the function is unknown or the arguments are wrong. */
  readonly status: number;
  /** The serialized return value; empty when there is none or on failure. */
  readonly payload: Buffer;
  /** The error message when `status` is 500. */
  readonly message?: string;
}

/** What the metadata records about the chaincode as a whole (bootstrap.js takes it from package.json). */
export interface ChaincodeInfo {
  readonly title?: string;
  readonly version?: string;
}

/** The part of `ChaincodeFromContract` the peer calls. */
interface ChaincodeFromContractInstance {
  Invoke(stub: ChaincodeStub): Promise<unknown>;
}

/** The serializer configuration bootstrap.js passes when the package exports no `serializers`. */
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
) => ChaincodeFromContractInstance;

function loadChaincodeFromContract(): ChaincodeFromContractConstructor {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- fabric-shim ships no typings for its contract SPI, so it cannot be imported; the value is checked below.
  const loaded: unknown = require('fabric-shim/lib/contract-spi/chaincodefromcontract');
  if (typeof loaded !== 'function') {
    throw new Error('fabric-shim/lib/contract-spi/chaincodefromcontract did not export a class');
  }
  // JS boundary: the constructor's shape is that of fabric-shim 2.5.x's chaincodefromcontract.js.
  return loaded as ChaincodeFromContractConstructor;
}

const DEFAULT_SERIALIZATION: SerializerConfiguration = {
  transaction: 'jsonSerializer',
  serializers: { jsonSerializer: JSONSerializer },
};

/** fabric-shim's handler answers a response without a status with this error (handler.js). */
function missingStatus(): ChaincodeResponse {
  return {
    status: 500,
    payload: Buffer.alloc(0),
    message: 'Calling chaincode Invoke() has not called success or error.',
  };
}

function toChaincodeResponse(response: unknown): ChaincodeResponse {
  if (typeof response !== 'object' || response === null || !('status' in response)) {
    return missingStatus();
  }
  const { status } = response;
  if (typeof status !== 'number' || status === 0) {
    return missingStatus();
  }
  const payload =
    'payload' in response && response.payload instanceof Uint8Array ? response.payload : undefined;
  const message =
    'message' in response && typeof response.message === 'string' ? response.message : undefined;
  return {
    status,
    payload: payload === undefined ? Buffer.alloc(0) : Buffer.from(payload),
    ...(message === undefined ? {} : { message }),
  };
}

/**
 * Runs contract classes through fabric-shim's dispatcher.
 *
 * @example
 * const dispatcher = new ContractDispatcher([InspectionContract]);
 * const response = await dispatcher.invoke(stub); // stub: a SimulatedStub
 */
export class ContractDispatcher {
  readonly #chaincode: ChaincodeFromContractInstance;

  /**
   * @param contracts - the contract classes, as a chaincode's `contracts` export lists them; the first
   *   is the default contract unless one is decorated `@Default()`.
   * @param info - title and version for the generated metadata.
   * @throws when a class is not a fabric-contract-api `Contract`.
   */
  constructor(contracts: readonly ContractClass[], info: ChaincodeInfo = {}) {
    const ChaincodeFromContract = loadChaincodeFromContract();
    // A copy: the dispatcher appends its system contract to the array it is given.
    this.#chaincode = new ChaincodeFromContract(
      [...contracts],
      DEFAULT_SERIALIZATION,
      {},
      info.title,
      info.version,
    );
  }

  /**
   * Invokes the function named by the stub's first argument.
   *
   * @returns the chaincode response; a contract error is a 500 response, never a rejection.
   */
  async invoke(stub: ChaincodeStub): Promise<ChaincodeResponse> {
    try {
      return toChaincodeResponse(await this.#chaincode.Invoke(stub));
    } catch (error: unknown) {
      // The dispatcher catches contract errors itself; this only guards against a broken shim.
      return {
        status: 500,
        payload: Buffer.alloc(0),
        message: error instanceof Error ? error.message : String(error),
      };
    }
  }
}
