/**
 * A typed door onto fabric-shim's own contract dispatcher (`ChaincodeFromContract`, the class a
 * chaincode process runs under `fabric-chaincode-node start|server`). Routing of `Contract:Tx` names
 * and the default contract, parameter marshalling against the decorator metadata, the
 * before/after/unknownTransaction hooks, return-value serialization and `ClientIdentity` creation
 * are therefore exactly those of a real peer. (Parameter handling runs a leaner copy of the shim's
 * own steps, with the same checks and errors; see `shim.parameters.ts`.)
 */
import { newLogger, type ChaincodeInterface, type ChaincodeStub } from 'fabric-shim';
import { createChaincode, type ChaincodeInfo, type ContractClass } from '../../../chaincode/shim.binding';
import { memoizeShimCertificateParsing } from './certificate.memo';
import { gateShimLoggers, silenceShimLoggers } from './shim.loggers';
import { leanShimParameterHandling } from './shim.parameters';

export type { ChaincodeInfo, ContractClass };

/** The chaincode's answer to one invocation (fabric-shim's `ChaincodeResponse`). */
export interface ChaincodeResponse {
  /** 200 on success; 500 when the contract threw, the function is unknown or the arguments are wrong. */
  readonly status: number;
  /** The serialized return value; empty when there is none or on failure. */
  readonly payload: Buffer;
  /** The error message when `status` is 500. */
  readonly message?: string;
}

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
  readonly #chaincode: ChaincodeInterface;

  /**
   * @param contracts - the contract classes, as a chaincode's `contracts` export lists them; the first
   *   is the default contract unless one is decorated `@Default()`.
   * @param info - title and version for the generated metadata.
   * @throws when a class is not a fabric-contract-api `Contract`.
   */
  constructor(contracts: readonly ContractClass[], info: ChaincodeInfo = {}) {
    // These only remove repeated work of the shim in this process (the certificate memo, the gated
    // loggers and, below, the lean parameter handling), apart from silencing, which keeps its
    // unstructured lines out of the service's log; see their modules for why.
    memoizeShimCertificateParsing();
    gateShimLoggers();
    silenceShimLoggers();
    this.#chaincode = createChaincode(contracts, info);
    const marshallLogger = newLogger('contracts-spi/datamarshall.js');
    leanShimParameterHandling(this.#chaincode, () => marshallLogger.isLevelEnabled('debug'));
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
