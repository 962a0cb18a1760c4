import { z } from 'zod';
import path from 'node:path';
import { parseInput } from '../../src/records/parse';
import { DEFAULT_BLOCK_MAX_TRANSACTIONS, DEFAULT_BLOCK_TIMEOUT_MS } from '../ledger/embedded/block.cutter';

/**
 * The service's configuration, read from the environment once at start, checked with zod and
 * frozen. Nothing else in the gateway reads `process.env`.
 */
/** Where the service keeps its ledger, read model and identities when `DATA_DIR` is not set. */
export const DEFAULT_DATA_DIR = './data';

const intFromEnv = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const envSchema = z.object({
  PORT: intFromEnv(8080, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  LEDGER: z.enum(['embedded', 'fabric']).default('embedded'),
  IDENTITIES_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BLOCK_MAX_TX: intFromEnv(DEFAULT_BLOCK_MAX_TRANSACTIONS, 1, 10000),
  BLOCK_TIMEOUT_MS: intFromEnv(DEFAULT_BLOCK_TIMEOUT_MS, 0, 10000),
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  SIMULATION_WORKERS: intFromEnv(1, 0, 64),
  RESOLVER_BASE: z.url().optional(),
  SHUTDOWN_GRACE_MS: intFromEnv(10_000, 0, 600_000),
  FABRIC_GATEWAY_CONFIG: z.string().min(1).default('network/run/gateway.json'),
});

/** The parsed configuration. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly ledger: 'embedded' | 'fabric';
  /** Where the API tokens live; `<dataDir>/identities.json` (embedded) or beside the Fabric connection file, unless set. */
  readonly identitiesFile: string;
  /** Whether the identities file was named explicitly (an explicit missing file is an error). */
  readonly identitiesFileExplicit: boolean;
  readonly logLevel: string;
  readonly block: { readonly maxTransactions: number; readonly timeoutMs: number };
  readonly sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Embedded ledger: worker threads that run the contract; 0 runs it on the main thread. */
  readonly simulationWorkers: number;
  /**
   * The base URL printed in product QR codes (`RESOLVER_BASE`); when unset, the service derives
   * it from `HOST` and the port it listens on ({@link defaultResolverBase}).
   */
  readonly resolverBase: string | undefined;
  /** On SIGTERM: how long requests in flight may take to be answered before their connections are cut. */
  readonly shutdownGraceMs: number;
  /** With `LEDGER=fabric`: the connection file `network/` writes (peers, TLS, channel, system identity). */
  readonly fabricGatewayConfig: string;
}

/** `http://HOST:PORT`, an IPv6 host in brackets: the resolver base when `RESOLVER_BASE` is unset. */
export function defaultResolverBase(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${String(port)}`;
}

/**
 * Parses the environment.
 * @throws {ValidationError} naming the variable that is wrong.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = parseInput(envSchema, env, 'environment', 'CONFIG.INVALID');
  const dataDir = path.resolve(parsed.DATA_DIR);
  const host = parsed.HOST;
  return Object.freeze({
    port: parsed.PORT,
    host,
    dataDir,
    ledger: parsed.LEDGER,
    // On Fabric the tokens belong to users network/ enrolled; it writes them beside the connection file.
    identitiesFile: path.resolve(
      parsed.IDENTITIES_FILE ??
        (parsed.LEDGER === 'fabric'
          ? path.join(path.dirname(path.resolve(parsed.FABRIC_GATEWAY_CONFIG)), 'identities.json')
          : path.join(dataDir, 'identities.json')),
    ),
    identitiesFileExplicit: parsed.IDENTITIES_FILE !== undefined,
    logLevel: parsed.LOG_LEVEL,
    block: Object.freeze({ maxTransactions: parsed.BLOCK_MAX_TX, timeoutMs: parsed.BLOCK_TIMEOUT_MS }),
    sqliteSynchronous: parsed.SQLITE_SYNCHRONOUS,
    simulationWorkers: parsed.SIMULATION_WORKERS,
    resolverBase: parsed.RESOLVER_BASE,
    shutdownGraceMs: parsed.SHUTDOWN_GRACE_MS,
    fabricGatewayConfig: path.resolve(parsed.FABRIC_GATEWAY_CONFIG),
  });
}
