import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  EndorseError,
  GatewayError,
  hash,
  signers,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import { ContractError, TransientLedgerError, type ContractErrorKind } from '../ledger.errors';
import type {
  EventCheckpoint,
  LedgerBlockEvents,
  LedgerIdentity,
  LedgerPort,
  SubmitOutcome,
} from '../ledger.port';
import { decodeBlockEvents } from './block.decoder';
import type { FabricGatewayConfig } from './fabric.config';

/**
 * The Fabric adapter of the {@link LedgerPort}: `@hyperledger/fabric-gateway` over gRPC (TLS) to
 * the peer of the caller's organisation, which endorses on the other organisations' peers as the
 * endorsement policy asks, orders and waits for the commit. Each identity gets its own Gateway
 * connection (sharing one gRPC channel per peer), so every transaction is signed by the key of
 * the user it is made for and the chaincode sees that user's certificate and attributes.
 */
export interface FabricLedgerOptions {
  readonly evaluateTimeoutMs?: number;
  readonly endorseTimeoutMs?: number;
  readonly submitTimeoutMs?: number;
  readonly commitTimeoutMs?: number;
}

const UNAVAILABLE_CODES = new Set<number>([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.CANCELLED,
]);
const CONFLICT_CODES = new Set<number>([
  peer.TxValidationCode.MVCC_READ_CONFLICT,
  peer.TxValidationCode.PHANTOM_READ_CONFLICT,
]);

function validationCodeName(code: number): string {
  const entry = Object.entries(peer.TxValidationCode).find(([, value]) => value === code);
  return entry ? entry[0] : String(code);
}

function kindOfValidationFailure(code: number): ContractErrorKind {
  return code === peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE ? 'forbidden' : 'invalid';
}

/** Maps fabric-gateway's errors onto the port's three kinds. */
export function mapFabricError(error: unknown): Error {
  if (error instanceof EndorseError) {
    const withJson = error.details.find((d) => d.message.includes('{"code"'));
    if (withJson) return ContractError.fromMessage(withJson.message, error.transactionId);
    if (UNAVAILABLE_CODES.has(error.code))
      return new TransientLedgerError(error.message, 'unavailable', error.transactionId, error);
    const detail = error.details[0]?.message ?? error.message;
    return new ContractError('CHAINCODE.ERROR', detail, 'unknown', [], error.transactionId);
  }
  if (error instanceof GatewayError) {
    return new TransientLedgerError(
      error.message,
      error.code === (grpc.status.DEADLINE_EXCEEDED as number) ? 'timeout' : 'unavailable',
      undefined,
      error,
    );
  }
  if (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'number' &&
    UNAVAILABLE_CODES.has(error.code)
  ) {
    return new TransientLedgerError(error.message, 'unavailable', undefined, error);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** The ledger on a real Fabric network. */
export class FabricLedger implements LedgerPort {
  readonly kind = 'fabric' as const;
  readonly #clients = new Map<string, grpc.Client>();
  readonly #gateways = new Map<string, Gateway>();
  readonly #options: Required<FabricLedgerOptions>;
  readonly #reader: LedgerIdentity;

  /**
   * @param config where the peers are, and the channel and chaincode.
   * @param reader the identity used for height queries and block events (the gateway's own).
   */
  constructor(
    private readonly config: FabricGatewayConfig,
    reader: LedgerIdentity,
    options: FabricLedgerOptions = {},
  ) {
    this.#reader = reader;
    this.#options = {
      evaluateTimeoutMs: options.evaluateTimeoutMs ?? 5_000,
      endorseTimeoutMs: options.endorseTimeoutMs ?? 15_000,
      submitTimeoutMs: options.submitTimeoutMs ?? 5_000,
      commitTimeoutMs: options.commitTimeoutMs ?? 60_000,
    };
  }

  #client(mspId: string): grpc.Client {
    const org = this.config.organizations.find((o) => o.mspId === mspId) ?? this.config.organizations[0];
    if (!org) throw new Error('the Fabric gateway config names no organisation');
    let client = this.#clients.get(org.mspId);
    if (!client) {
      const credentials = grpc.credentials.createSsl(readFileSync(org.tlsCaCertFile));
      client = new grpc.Client(
        org.peerEndpoint,
        credentials,
        org.hostAlias ? { 'grpc.ssl_target_name_override': org.hostAlias } : {},
      );
      this.#clients.set(org.mspId, client);
    }
    return client;
  }

  #network(identity: LedgerIdentity): Network {
    let gateway = this.#gateways.get(identity.certificate);
    if (!gateway) {
      if (identity.privateKey === undefined)
        throw new Error(`identity ${identity.label} has no private key to sign with`);
      const o = this.#options;
      gateway = connect({
        client: this.#client(identity.mspId),
        identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
        signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKey)),
        hash: hash.sha256,
        evaluateOptions: () => ({ deadline: Date.now() + o.evaluateTimeoutMs }),
        endorseOptions: () => ({ deadline: Date.now() + o.endorseTimeoutMs }),
        submitOptions: () => ({ deadline: Date.now() + o.submitTimeoutMs }),
        commitStatusOptions: () => ({ deadline: Date.now() + o.commitTimeoutMs }),
      });
      this.#gateways.set(identity.certificate, gateway);
    }
    return gateway.getNetwork(this.config.channel);
  }

  async submit(identity: LedgerIdentity, fcn: string, args: readonly string[]): Promise<SubmitOutcome> {
    try {
      const contract = this.#network(identity).getContract(this.config.chaincode);
      const transaction = await contract.newProposal(fcn, { arguments: [...args] }).endorse();
      const submitted = await transaction.submit();
      const status = await submitted.getStatus();
      if (!status.successful) {
        const name = validationCodeName(status.code);
        if (CONFLICT_CODES.has(status.code))
          throw new TransientLedgerError(
            `transaction ${status.transactionId} invalidated: ${name}`,
            'mvcc-conflict',
            status.transactionId,
          );
        throw new ContractError(
          `LEDGER.${name}`,
          `transaction ${status.transactionId} was invalidated at commit: ${name}`,
          kindOfValidationFailure(status.code),
          [],
          status.transactionId,
        );
      }
      return {
        txId: submitted.getTransactionId(),
        blockNumber: Number(status.blockNumber),
        payload: Buffer.from(submitted.getResult()),
      };
    } catch (error: unknown) {
      if (error instanceof ContractError || error instanceof TransientLedgerError) throw error;
      throw mapFabricError(error);
    }
  }

  async evaluate(identity: LedgerIdentity, fcn: string, args: readonly string[]): Promise<Buffer> {
    try {
      const result = await this.#network(identity)
        .getContract(this.config.chaincode)
        .evaluateTransaction(fcn, ...args);
      return Buffer.from(result);
    } catch (error: unknown) {
      throw mapFabricError(error);
    }
  }

  async height(): Promise<number> {
    try {
      const bytes = await this.#network(this.#reader)
        .getContract('qscc')
        .evaluateTransaction('GetChainInfo', this.config.channel);
      return common.BlockchainInfo.deserializeBinary(bytes).getHeight();
    } catch (error: unknown) {
      throw mapFabricError(error);
    }
  }

  async *blocks(from: EventCheckpoint, signal: AbortSignal): AsyncGenerator<LedgerBlockEvents> {
    let events;
    try {
      events = await this.#network(this.#reader).getBlockEvents({ startBlock: BigInt(from.nextBlock) });
    } catch (error: unknown) {
      throw mapFabricError(error);
    }
    const close = (): void => {
      events.close();
    };
    signal.addEventListener('abort', close, { once: true });
    try {
      for await (const block of events) {
        yield decodeBlockEvents(block, this.config.chaincode);
        if (signal.aborted) return;
      }
    } catch (error: unknown) {
      if (signal.aborted) return; // closing the stream ends it with a CANCELLED error
      throw mapFabricError(error);
    } finally {
      signal.removeEventListener('abort', close);
      events.close();
    }
  }

  close(): Promise<void> {
    for (const gateway of this.#gateways.values()) gateway.close();
    for (const client of this.#clients.values()) client.close();
    this.#gateways.clear();
    this.#clients.clear();
    return Promise.resolve();
  }
}
