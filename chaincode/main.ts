import { readFileSync } from 'node:fs';
import { Shim, type ChaincodeServerOpts } from 'fabric-shim';
import { contracts } from './index';
import { createChaincode } from './shim.binding';

/**
 * Starts the chaincode as a service (chaincode-as-a-service): a gRPC server that the peer
 * dials, configured the way Fabric's CCaaS builder expects:
 * - `CHAINCODE_SERVER_ADDRESS` — host:port to listen on (e.g. `127.0.0.1:9999`);
 * - `CHAINCODE_ID` — the package id the peer installed (`label:hash`);
 * - optional mutual TLS: `CHAINCODE_TLS_KEY_FILE`, then also `CHAINCODE_TLS_CERT_FILE` and
 *   `CHAINCODE_TLS_CLIENT_CA_FILE`.
 * This file is the only place in chaincode/ that reads the environment, once, at start.
 */
function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    process.stderr.write(`${name} must be set\n`);
    process.exit(2);
  }
  return value;
}

function tlsProps(): { key: Buffer; cert: Buffer; clientCACerts: Buffer } | undefined {
  const keyFile = process.env.CHAINCODE_TLS_KEY_FILE;
  if (!keyFile) return undefined;
  // With TLS the peer must present a certificate of its CA: mutual TLS, as the CCaaS builder sets up.
  return {
    key: readFileSync(keyFile),
    cert: readFileSync(required('CHAINCODE_TLS_CERT_FILE')),
    clientCACerts: readFileSync(required('CHAINCODE_TLS_CLIENT_CA_FILE')),
  };
}

async function main(): Promise<void> {
  const address = required('CHAINCODE_SERVER_ADDRESS');
  const ccid = required('CHAINCODE_ID');
  const tls = tlsProps();
  // fabric-shim's typings mark tlsProps as required; at run time it is optional (plain gRPC).
  const options = (tls ? { ccid, address, tlsProps: tls } : { ccid, address }) as ChaincodeServerOpts;
  const server = Shim.server(createChaincode(contracts), options);
  await server.start();
  process.stdout.write(
    `${JSON.stringify({ msg: 'chaincode service listening', address, ccid, tls: tls !== undefined })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `chaincode service failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
