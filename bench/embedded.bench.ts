import Database from 'better-sqlite3';
import path from 'node:path';
import { EventConsumer } from '../gateway/consumer/event.consumer';
import { EmbeddedIdentityIssuer } from '../gateway/identity/embedded.identities';
import { createLogger } from '../gateway/logging/logger';
import { DEFAULT_BLOCK_TIMEOUT_MS } from '../gateway/ledger/embedded/block.cutter';
import { EmbeddedLedger } from '../gateway/ledger/embedded/embedded.ledger';
import type { LedgerIdentity } from '../gateway/ledger/ledger.port';
import { SqliteReadModel } from '../gateway/read-model/sqlite.read-model';
import { pool, report, seconds, tempDir, threadCpuMs } from './bench.support';
import { companyId, officialResult, selfTestReport } from './reports.fixture';

/**
 * Embedded ledger benchmarks (DESIGN §9), each a ratio against a baseline in the same process:
 * - ingest of 5-item self-test reports through the LedgerPort with the consumer's matching
 *   keeping up, against a bare better-sqlite3 insert of the same JSON rows;
 * - the cost of matching one official result when 100 k and 1 M item results are stored.
 */
interface Setup {
  readonly ledger: EmbeddedLedger;
  readonly readModel: SqliteReadModel;
  readonly consumer: EventConsumer;
  readonly enterprises: LedgerIdentity[];
  readonly regulator: LedgerIdentity;
  readonly companies: string[];
  readonly dir: string;
  close(): Promise<void>;
}

async function setup(
  companyCount: number,
  blockTimeoutMs: number,
  simulationWorkers: number,
): Promise<Setup> {
  const { dir, remove } = tempDir('fic-bench-');
  const synchronous = process.env.BENCH_SQLITE_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL';
  const ledger = await EmbeddedLedger.open({
    dataDir: dir,
    synchronous,
    blockTimeoutMs,
    simulationWorkers,
    simulationWorkerScript: path.join(__dirname, '../gateway/ledger/embedded/simulation.worker.js'),
  });
  const issuer = new EmbeddedIdentityIssuer();
  const system = issuer.system();
  const companies = Array.from({ length: companyCount }, (_, i) => companyId(i + 1));
  const enterprises = companies.map((c, i) =>
    issuer.issue(
      {
        token: 'bench-token-not-used-00',
        name: `lab ${c}`,
        org: 'enterprise',
        role: 'enterprise',
        companyId: c,
      },
      i,
    ),
  );
  await pool(companies.length, 64, async (i) => {
    await ledger.submit(system.ledger, 'RegisterCompany', [
      JSON.stringify({ companyId: companies[i], name: `company ${String(i)}`, region: '350102' }),
    ]);
  });
  const readModel = SqliteReadModel.open(path.join(dir, 'read-model.sqlite'));
  const consumer = new EventConsumer({ ledger, readModel, system, logger: createLogger('silent') });
  return {
    ledger,
    readModel,
    consumer,
    enterprises,
    regulator: system.ledger,
    companies,
    dir,
    async close() {
      await consumer.stop();
      await ledger.close();
      readModel.close();
      remove();
    },
  };
}

async function caughtUp(s: Setup): Promise<void> {
  for (;;) {
    if (s.readModel.processedHeight() >= (await s.ledger.height())) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Timed runs of the bare SQLite insert; the ratio uses their median. */
const BARE_RUNS = 3;

/**
 * Reports/s through the LedgerPort with matching keeping up, and the bare SQLite baseline. Both are
 * timed after `warmup` reports of their own (not timed): the first thousand reports run while V8
 * still compiles the hot paths, which is start-up cost, not throughput.
 */
export async function benchIngest(
  reports: number,
  concurrency: number,
  simulationWorkers: number,
  warmup: number,
): Promise<Record<string, number>> {
  const s = await setup(
    20,
    Number(process.env.BENCH_BLOCK_TIMEOUT_MS ?? DEFAULT_BLOCK_TIMEOUT_MS),
    simulationWorkers,
  );
  s.consumer.start();
  const ingest = async (from: number, count: number): Promise<void> => {
    await pool(count, concurrency, async (i) => {
      const n = from + i;
      const c = n % s.companies.length;
      await s.ledger.submit(s.enterprises[c]!, 'SubmitSelfTest', [
        JSON.stringify(selfTestReport(s.companies[c]!, n % 50, n)),
      ]);
    });
    await caughtUp(s);
  };
  await ingest(0, warmup);
  const mainCpuBefore = threadCpuMs();
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await ingest(warmup, reports);
  const embeddedSeconds = seconds(process.hrtime.bigint() - started);
  const cpu = process.cpuUsage(cpuBefore);
  const mainCpuAfter = threadCpuMs();
  await s.close();

  const { dir, remove } = tempDir('fic-bench-bare-');
  const db = new Database(path.join(dir, 'bare.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE reports (id TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID');
  const insert = db.prepare('INSERT INTO reports (id, json) VALUES (?, ?)');
  const batch = db.transaction((rows: { id: string; json: string }[]) => {
    for (const row of rows) insert.run(row.id, row.json);
  });
  const insertRange = (from: number, to: number): void => {
    for (let start = from; start < to; start += 500) {
      const rows = [];
      for (let n = start; n < Math.min(to, start + 500); n++) {
        const c = companyId(1 + (n % 20));
        rows.push({ id: `ST-${c}-R${String(n)}`, json: JSON.stringify(selfTestReport(c, n % 50, n)) });
      }
      batch(rows);
    }
  };
  insertRange(0, warmup);
  // The median of three timed runs: single runs of this one-second insert ranged from 19 to 35 k
  // rows/s on one machine in one day, and the ratio swung with them.
  const bareRates: number[] = [];
  for (let run = 0; run < BARE_RUNS; run++) {
    const from = warmup + run * reports;
    const bareStarted = process.hrtime.bigint();
    insertRange(from, from + reports);
    bareRates.push(reports / seconds(process.hrtime.bigint() - bareStarted));
  }
  db.close();
  remove();
  bareRates.sort((a, b) => a - b);
  const embeddedRate = reports / embeddedSeconds;
  const bareRate = bareRates[Math.floor(BARE_RUNS / 2)] ?? Number.NaN;
  return {
    reports,
    warmup,
    concurrency,
    simulationWorkers,
    embeddedReportsPerSecond: Math.round(embeddedRate),
    bareSqliteReportsPerSecond: Math.round(bareRate),
    bareSqliteSlowestPerSecond: Math.round(bareRates[0] ?? Number.NaN),
    bareSqliteFastestPerSecond: Math.round(bareRates[BARE_RUNS - 1] ?? Number.NaN),
    ratio: Number((embeddedRate / bareRate).toFixed(4)),
    // CPU per report: the whole process (all threads) and the main (ledger) thread alone.
    cpuUsPerReport: Math.round((cpu.user + cpu.system) / reports),
    ...(mainCpuBefore === undefined || mainCpuAfter === undefined
      ? {}
      : { mainThreadCpuUsPerReport: Math.round(((mainCpuAfter - mainCpuBefore) * 1000) / reports) }),
  };
}

/**
 * Milliseconds to match one official result (5 items: pairing, comparison, the deviation
 * transaction) with `itemResults` stored, ten candidates per company + product + item.
 */
interface MatchingFigures {
  readonly itemResults: number;
  readonly fillReportsPerSecond: number;
  readonly samples: number;
  readonly msPerOfficialResult: number;
}

export async function benchMatching(itemResults: number, samples: number): Promise<MatchingFigures> {
  const reports = itemResults / 5;
  const products = reports / 10;
  const s = await setup(100, 0, 0);
  const fillStarted = process.hrtime.bigint();
  await pool(reports, 256, async (n) => {
    const product = n % products;
    const c = product % s.companies.length;
    await s.ledger.submit(s.enterprises[c]!, 'SubmitSelfTest', [
      JSON.stringify(selfTestReport(s.companies[c]!, product, n)),
    ]);
  });
  const fillSeconds = seconds(process.hrtime.bigint() - fillStarted);
  let total = 0n;
  for (let i = 0; i < samples; i++) {
    const product = Math.floor((i * 7919) % products);
    const c = product % s.companies.length;
    const outcome = await s.ledger.submit(s.regulator, 'SubmitOfficialResult', [
      JSON.stringify(officialResult(s.companies[c]!, product, 1_000_000 + i)),
    ]);
    const abort = new AbortController();
    for await (const block of s.ledger.blocks({ nextBlock: outcome.blockNumber }, abort.signal)) {
      const started = process.hrtime.bigint();
      await s.consumer.processBlock(block);
      total += process.hrtime.bigint() - started;
      abort.abort();
      break;
    }
  }
  await s.close();
  return {
    itemResults,
    fillReportsPerSecond: Math.round(reports / fillSeconds),
    samples,
    msPerOfficialResult: Number((Number(total) / 1e6 / samples).toFixed(3)),
  };
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'all';
  if (which === 'all' || which === 'ingest') {
    // The service's default (one simulation worker), then the contract on the ledger thread.
    const workerCounts = (process.env.BENCH_SIMULATION_WORKERS ?? '1,0').split(',').map(Number);
    for (const workers of workerCounts) {
      report(
        'embedded-ingest',
        await benchIngest(
          Number(process.env.BENCH_REPORTS ?? 20000),
          Number(process.env.BENCH_CONCURRENCY ?? 256),
          workers,
          Number(process.env.BENCH_WARMUP ?? 2000),
        ),
      );
    }
  }
  if (which === 'all' || which === 'matching') {
    const small = await benchMatching(100_000, 200);
    const large = await benchMatching(Number(process.env.BENCH_LARGE ?? 1_000_000), 200);
    report('matching-cost', {
      ms100k: small.msPerOfficialResult,
      msLarge: large.msPerOfficialResult,
      largeItemResults: large.itemResults,
      ratioLargeTo100k: Number((large.msPerOfficialResult / small.msPerOfficialResult).toFixed(3)),
      fill100kReportsPerSecond: small.fillReportsPerSecond,
      fillLargeReportsPerSecond: large.fillReportsPerSecond,
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
