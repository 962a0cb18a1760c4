/**
 * Verifies an embedded ledger from the command line:
 *
 * ```sh
 * node dist/gateway/ledger/embedded/verify.cli.js --data-dir ./data
 * ```
 *
 * Without `--data-dir` it verifies the ledger the service would open: `DATA_DIR`, else `./data`
 * (the service's default). It prints one JSON line — `{"ok":true,"height":…,"headHash":"…"}` or
 * `{"ok":false,"height":…,"firstBadBlock":…,"reason":"…"}` (see `verifyChain`) — and exits 0 when
 * the ledger verifies, 1 when it does not or cannot be read (`{"ok":false,"error":"…"}`), 2 on a usage
 * error. This script is the one place of the embedded ledger that writes to stdout.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

import { z } from 'zod';

import { DEFAULT_DATA_DIR } from '../../config/config';
import { verifyChain } from './chain.verifier';
import { LEDGER_DATABASE_FILE } from './sqlite.schema';

const USAGE =
  'usage: verify.cli [--data-dir <directory holding ledger.sqlite>] (default: $DATA_DIR, else ./data)';

const argumentsSchema = z.object({ 'data-dir': z.string().min(1).optional() });

function printLine(value: object): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/**
 * Runs the verification for the given command-line arguments (without `node` and the script).
 *
 * @param env - the environment, for `DATA_DIR` when no `--data-dir` is given.
 * @returns the exit code: 0 verified, 1 not verified or unreadable, 2 bad usage.
 */
function main(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  let dataDir: string;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { 'data-dir': { type: 'string' } },
      strict: true,
    });
    dataDir = argumentsSchema.parse(values)['data-dir'] ?? (env.DATA_DIR || DEFAULT_DATA_DIR);
  } catch {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    const result = verifyChain(path.join(dataDir, LEDGER_DATABASE_FILE));
    printLine(result);
    return result.ok ? 0 : 1;
  } catch (error: unknown) {
    printLine({ ok: false, error: error instanceof Error ? error.message : String(error) });
    return 1;
  }
}

// A script, not a library: running it is importing it.
process.exitCode = main(process.argv.slice(2), process.env);
