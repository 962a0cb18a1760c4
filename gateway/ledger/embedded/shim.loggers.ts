/**
 * Keeps fabric-shim's and fabric-contract-api's disabled log levels from costing anything.
 *
 * Both packages log through winston 3, whose `logger.debug(...)` builds the entry and runs the whole
 * format chain (timestamp, metadata, colorize, padding, printf with `fast-safe-stringify`) before the
 * console transport drops it for being below `CORE_CHAINCODE_LOGGING_LEVEL`. The dispatcher logs a
 * few debug lines per transaction, which came to about 5 % of the embedded ingest CPU at level
 * `error`. Each logger on the transaction path gets own level methods that return at once when their
 * level is disabled, checked on every call so that a later `setLevel` still takes effect; an enabled
 * level goes through winston exactly as before.
 */
import { newLogger } from 'fabric-shim';

/** The fabric-shim loggers written on every invocation (the names its modules pass to getLogger). */
const SHIM_LOGGERS = [
  'contracts-spi/chaincodefromcontract.js',
  'contracts-spi/datamarshall.js',
  'lib/chaincode.js',
  'lib/stub.js',
  'lib/iterators.js',
  'lib/handler.js',
] as const;

/** The fabric-contract-api loggers written on every invocation. */
const CONTRACT_API_LOGGERS = ['./lib/jsontransactionserializer.js', './lib/contract.js'] as const;

interface LevelledLogger {
  readonly levels: Record<string, number>;
  silent?: boolean;
  isLevelEnabled(level: string): boolean;
  [method: string]: unknown;
}

function isLevelledLogger(value: unknown): value is LevelledLogger {
  return (
    typeof value === 'object' &&
    value !== null &&
    'levels' in value &&
    typeof value.levels === 'object' &&
    'isLevelEnabled' in value &&
    typeof value.isLevelEnabled === 'function'
  );
}

type LogMethod = (this: unknown, ...args: unknown[]) => unknown;

function gate(logger: LevelledLogger): void {
  for (const level of Object.keys(logger.levels)) {
    const write = logger[level];
    if (typeof write !== 'function' || Object.prototype.hasOwnProperty.call(logger, level)) continue;
    const log = write as LogMethod;
    logger[level] = (...args: unknown[]): unknown =>
      logger.isLevelEnabled(level) ? log.apply(logger, args) : logger;
  }
}

function contractApiLogger(name: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- fabric-contract-api exports no typings for its logger module; the value is checked below.
  const module: unknown = require('fabric-contract-api/lib/logger');
  if (typeof module !== 'object' || module === null || !('getLogger' in module)) return undefined;
  const { getLogger } = module;
  return typeof getLogger === 'function' ? (getLogger as (n: string) => unknown)(name) : undefined;
}

function transactionPathLoggers(): LevelledLogger[] {
  const loggers: unknown[] = [
    ...SHIM_LOGGERS.map((name) => newLogger(name)),
    ...CONTRACT_API_LOGGERS.map(contractApiLogger),
  ];
  return loggers.filter(isLevelledLogger);
}

let installed = false;

/** Gates the transaction-path loggers of fabric-shim and fabric-contract-api by level. Idempotent. */
export function gateShimLoggers(): void {
  if (installed) return;
  transactionPathLoggers().forEach(gate);
  installed = true;
}

/**
 * Keeps the transaction-path loggers of fabric-shim and fabric-contract-api off the console in the
 * embedded peer. They print every contract refusal (a 403 or 404 of the API) as an unstructured
 * winston line at error level into the service's stream of pino JSON; the refusal reaches the caller
 * as a ContractError and the request log records it. The chaincode server (`chaincode/main.ts`) does
 * not call this: on a real peer those lines are the chaincode's own log.
 */
export function silenceShimLoggers(): void {
  for (const logger of transactionPathLoggers()) {
    logger.silent = true;
  }
}
