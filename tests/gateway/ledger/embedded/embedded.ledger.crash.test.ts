/**
 * Kills a real process that is committing to the embedded ledger (SIGKILL, at whatever point of a
 * commit it happens to be), twice on the same directory, then checks what DESIGN §8 promises: the
 * file is consistent, the chain verifies, and every acknowledged transaction is committed exactly once.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

import Database from 'better-sqlite3';

import { verifyChain } from '../../../../gateway/ledger/embedded/chain.verifier';
import { EmbeddedLedger } from '../../../../gateway/ledger/embedded/embedded.ledger';
import { SqliteStateStore } from '../../../../gateway/ledger/embedded/sqlite.state.store';
import type { TempDir } from './embedded.fixture';
import { COMPANY_A, enrollActors, json, selfTest, tempDir } from './embedded.fixture';

const RUNNER = path.join(__dirname, 'fixtures', 'run-typescript.mjs');
const CHILD = path.join(__dirname, 'fixtures', 'crash.child.ts');
const VERIFY_CLI = path.join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'gateway',
  'ledger',
  'embedded',
  'verify.cli.ts',
);
const ACK = /^ack ([0-9a-f]{64}) (\S+)$/;

interface Ack {
  readonly txId: string;
  readonly reportNo: string;
}

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string[];
  readonly stderr: string;
}

/** Runs a TypeScript file in a child `node`; `onLine` may kill it. */
function runTypeScript(
  file: string,
  args: readonly string[],
  onLine: (line: string, kill: () => void) => void = () => undefined,
  env: NodeJS.ProcessEnv = {},
): Promise<Finished> {
  const child = spawn(process.execPath, [RUNNER, file, ...args], {
    env: { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdout.push(line);
    onLine(line, kill);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the submitting child until it has acknowledged `count` transactions, then kills it. */
async function submitUntilKilled(dataDir: string, runTag: string, count: number): Promise<Ack[]> {
  let acknowledged = 0;
  const finished = await runTypeScript(CHILD, [dataDir, runTag], (line, kill) => {
    if (ACK.test(line) && ++acknowledged === count) kill();
  });
  if (finished.signal !== 'SIGKILL') {
    throw new Error(`the child ended by itself (${String(finished.code)}): ${finished.stderr}`);
  }
  // Lines already in the pipe when the signal landed count too: each was printed after its commit.
  return finished.stdout.flatMap((line) => {
    const match = ACK.exec(line);
    return match === null ? [] : [{ txId: match[1]!, reportNo: match[2]! }];
  });
}

/** How often each transaction id appears in the committed blocks, and with which codes. */
function committedTransactions(file: string): Map<string, string[]> {
  const store = SqliteStateStore.open(file);
  try {
    const seen = new Map<string, string[]>();
    for (let number = 0; number < store.height; number++) {
      for (const tx of store.block(number)?.transactions ?? []) {
        seen.set(tx.txId, [...(seen.get(tx.txId) ?? []), tx.validationCode]);
      }
    }
    return seen;
  } finally {
    store.close();
  }
}

let dir: TempDir;
let file: string;
let acks: Ack[];

beforeAll(async () => {
  dir = tempDir('embedded-crash');
  file = path.join(dir.path, 'ledger.sqlite');
  acks = [
    ...(await submitUntilKilled(dir.path, 'first', 300)),
    ...(await submitUntilKilled(dir.path, 'second', 300)),
  ];
}, 60_000);

afterAll(() => {
  dir.remove();
});

describe('EmbeddedLedger — killed twice with SIGKILL while committing', () => {
  it('leaves a file whose chain and state verify', () => {
    expect(acks.length).toBeGreaterThanOrEqual(600);
    expect(verifyChain(file)).toMatchObject({ ok: true });
  });

  it('has committed every acknowledged transaction exactly once, as valid', () => {
    const committed = committedTransactions(file);

    const notExactlyOnce = acks.filter((ack) => committed.get(ack.txId)?.join() !== 'VALID');

    expect(notExactlyOnce).toEqual([]);
  });

  it('reopens with every acknowledged report in state, and goes on committing', async () => {
    const actors = enrollActors();
    const ledger = await EmbeddedLedger.open({ dataDir: dir.path });
    try {
      const height = await ledger.height();
      for (const ack of acks) {
        const stored = json(
          await ledger.evaluate(actors.enterpriseA, 'GetSelfTest', [`ST-${COMPANY_A}-${ack.reportNo}`]),
        );
        expect(stored).toMatchObject({ reportNo: ack.reportNo, anchor: { txId: ack.txId } });
      }

      const next = await ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('after-the-crash')]);

      expect(next.blockNumber).toBe(height);
    } finally {
      await ledger.close();
    }
  });
});

describe('verify.cli', () => {
  it('verifies the ledger of DATA_DIR, as the service opens it, when no --data-dir is given', async () => {
    const fromEnv = await runTypeScript(VERIFY_CLI, [], undefined, { DATA_DIR: dir.path });
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout[0]!)).toMatchObject({ ok: true });

    const elsewhere = path.join(dir.path, 'nowhere');
    const flagWins = await runTypeScript(VERIFY_CLI, ['--data-dir', elsewhere], undefined, {
      DATA_DIR: dir.path,
    });
    expect(flagWins.code).toBe(1);
  });

  it('prints the verification as one JSON line and exits 0, or 1 once a block hash is changed', async () => {
    const good = await runTypeScript(VERIFY_CLI, ['--data-dir', dir.path]);
    expect(good.code).toBe(0);
    expect(good.stdout).toHaveLength(1);
    expect(JSON.parse(good.stdout[0]!)).toMatchObject({ ok: true, height: expect.any(Number) as number });
    const { height } = JSON.parse(good.stdout[0]!) as { height: number };

    const db = new Database(file);
    db.prepare('UPDATE blocks SET hash = ? WHERE number = 1').run('0'.repeat(64));
    db.close();
    const bad = await runTypeScript(VERIFY_CLI, ['--data-dir', dir.path]);

    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout[0]!)).toEqual({
      ok: false,
      height,
      firstBadBlock: 1,
      reason: 'the hash of block 1 does not match its header',
    });
  });

  it('exits 1 with an error line when there is no ledger, and 2 on an unknown option', async () => {
    const missing = await runTypeScript(VERIFY_CLI, ['--data-dir', path.join(dir.path, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout[0]!)).toMatchObject({
      ok: false,
      error: expect.stringContaining('no ledger') as string,
    });

    const usage = await runTypeScript(VERIFY_CLI, ['--dir', dir.path]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--data-dir');
  });
});
