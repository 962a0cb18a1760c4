import Database from 'better-sqlite3';
import type { DeviationRecord, SamplingTaskRecord } from '../../src/records/ledger.records';
import type { BatchStatus } from '../../src/records/batch.schema';
import { SEVERITIES, type Severity } from '../../src/rules/deviation.rules';
import type {
  ActionView,
  DeviationFilter,
  DeviationView,
  Page,
  PageRequest,
  ReadModelQueries,
  StatsView,
  TaskFilter,
  TaskView,
} from './read-model.port';

/**
 * The read model (DESIGN §4: "everything that is derived can be rebuilt from it"): the event
 * consumer's own SQLite tables answering the list and statistics queries of the API. It is
 * written only by the consumer, one block per SQLite transaction together with the checkpoint,
 * so it always reflects a whole number of blocks; deleting the file and replaying the ledger
 * from block 0 rebuilds it.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), next_block INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tx_blocks (tx_id TEXT PRIMARY KEY, block INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS self_tests (id TEXT PRIMARY KEY, company_id TEXT NOT NULL, product_code TEXT NOT NULL, batch_no TEXT NOT NULL, tx_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS official_results (id TEXT PRIMARY KEY, company_id TEXT NOT NULL, product_code TEXT NOT NULL, batch_no TEXT NOT NULL, failed INTEGER NOT NULL, tx_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS official_items (company_id TEXT NOT NULL, product_code TEXT NOT NULL, item_code TEXT NOT NULL, official_result_id TEXT NOT NULL, batch_no TEXT NOT NULL, production_date TEXT NOT NULL, PRIMARY KEY (company_id, product_code, item_code, official_result_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deviations (id TEXT PRIMARY KEY, company_id TEXT NOT NULL, product_code TEXT NOT NULL, item_code TEXT NOT NULL, batch_no TEXT NOT NULL,
  severity TEXT, rule TEXT, metrics TEXT NOT NULL, self_test_id TEXT, official_result_id TEXT NOT NULL, revision INTEGER NOT NULL, tx_id TEXT NOT NULL, actions TEXT NOT NULL DEFAULT '[]') WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deviations_by_company ON deviations (company_id, product_code, item_code, id);
CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, company_id TEXT NOT NULL, product_code TEXT NOT NULL, item_codes TEXT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL, inspectors TEXT NOT NULL, seed TEXT NOT NULL, tx_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batches (company_id TEXT NOT NULL, product_code TEXT NOT NULL, batch_no TEXT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (company_id, product_code, batch_no)) WITHOUT ROWID;
`;

/** An official item result the matcher may need to revisit when a self-test arrives. */
export interface OfficialItemRow {
  readonly itemCode: string;
  readonly officialResultId: string;
  readonly batchNo: string;
  readonly productionDate: string;
}

/** What the read model stores of a deviation: its current state and the actions taken. */
export interface StoredDeviation {
  readonly selfTestId: string | null;
  readonly severity: Severity | null;
  readonly actions: readonly ActionView[];
}

interface DeviationRow {
  id: string;
  company_id: string;
  product_code: string;
  item_code: string;
  batch_no: string;
  severity: string | null;
  rule: string | null;
  metrics: string;
  self_test_id: string | null;
  official_result_id: string;
  revision: number;
  tx_id: string;
  actions: string;
}

interface TaskRow {
  id: string;
  company_id: string;
  product_code: string;
  item_codes: string;
  reason: string;
  status: string;
  inspectors: string;
  seed: string;
  tx_id: string;
}

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): string {
  return cursor === undefined ? '' : Buffer.from(cursor, 'base64url').toString('utf8');
}

function toDeviationView(row: DeviationRow): DeviationView {
  return {
    id: row.id,
    companyId: row.company_id,
    productCode: row.product_code,
    itemCode: row.item_code,
    batchNo: row.batch_no,
    severity: row.severity as Severity,
    rule: row.rule as DeviationView['rule'],
    metrics: JSON.parse(row.metrics) as DeviationView['metrics'],
    selfTestId: row.self_test_id ?? '',
    officialResultId: row.official_result_id,
    revision: row.revision,
    txId: row.tx_id,
    actions: JSON.parse(row.actions) as ActionView[],
  };
}

function toTaskView(row: TaskRow): TaskView {
  return {
    id: row.id,
    companyId: row.company_id,
    productCode: row.product_code,
    itemCodes: JSON.parse(row.item_codes) as string[],
    reason: JSON.parse(row.reason) as TaskView['reason'],
    status: row.status as TaskView['status'],
    inspectors: JSON.parse(row.inspectors) as string[],
    seed: row.seed,
    txId: row.tx_id,
  };
}

function page<T extends { id: string }>(rows: T[], limit: number): { rows: T[]; next?: string } {
  if (rows.length <= limit) return { rows };
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return last ? { rows: kept, next: encodeCursor(last.id) } : { rows: kept };
}

/**
 * SQLite's "database is locked". Checked by code, not `instanceof SqliteError`: the native addon
 * keeps the error class of the first module instance that loaded it (jest loads one per test file).
 */
function isBusy(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return typeof error.code === 'string' && error.code.startsWith('SQLITE_BUSY');
}

/** The read model file is held by another connection: another gateway runs on the same data folder. */
export class ReadModelInUseError extends Error {
  constructor(readonly file: string) {
    super(`the read model ${file} is in use by another gateway; stop it or give this one its own DATA_DIR`);
    this.name = 'ReadModelInUseError';
  }
}

/** The SQLite read model. */
export class SqliteReadModel implements ReadModelQueries {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** A prepared statement, prepared once per SQL text: preparing is costly on the consumer's hot path. */
  #sql(text: string): Database.Statement {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.#db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  /**
   * Opens (creating if needed) the read model at `file` (`:memory:` for tests) and holds it
   * exclusively until {@link close}: one gateway owns its read model. The exclusive lock also spares
   * SQLite the file-lock system calls it otherwise makes around every statement.
   *
   * @throws {ReadModelInUseError} when another connection (another gateway on the same data folder) holds it.
   */
  static open(file: string): SqliteReadModel {
    // No busy wait: the only other holder would be another gateway, which keeps it until it stops.
    const db = new Database(file, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      db.prepare('INSERT OR IGNORE INTO checkpoint (id, next_block) VALUES (1, 0)').run();
    } catch (error: unknown) {
      db.close();
      if (isBusy(error)) {
        throw new ReadModelInUseError(file);
      }
      throw error;
    }
    return new SqliteReadModel(db);
  }

  close(): void {
    this.#db.close();
  }

  /** Runs `work` and advances the checkpoint to `nextBlock` in one SQLite transaction. */
  commitBlock(nextBlock: number, work: () => void): void {
    this.#db.transaction(() => {
      work();
      this.#sql('UPDATE checkpoint SET next_block = ? WHERE id = 1').run(nextBlock);
    })();
  }

  processedHeight(): number {
    const row = this.#sql('SELECT next_block FROM checkpoint WHERE id = 1').get() as
      { next_block: number } | undefined;
    return row?.next_block ?? 0;
  }

  // ---- writes (consumer only) ----

  recordTransaction(txId: string, block: number): void {
    this.#sql('INSERT OR IGNORE INTO tx_blocks (tx_id, block) VALUES (?, ?)').run(txId, block);
  }

  recordSelfTest(id: string, companyId: string, productCode: string, batchNo: string, txId: string): void {
    this.#sql(
      'INSERT OR IGNORE INTO self_tests (id, company_id, product_code, batch_no, tx_id) VALUES (?, ?, ?, ?, ?)',
    ).run(id, companyId, productCode, batchNo, txId);
  }

  recordOfficialResult(
    result: {
      id: string;
      companyId: string;
      productCode: string;
      batchNo: string;
      productionDate: string;
      itemCodes: readonly string[];
      failed: boolean;
    },
    txId: string,
  ): void {
    this.#sql(
      'INSERT OR IGNORE INTO official_results (id, company_id, product_code, batch_no, failed, tx_id) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(result.id, result.companyId, result.productCode, result.batchNo, result.failed ? 1 : 0, txId);
    const item = this.#sql(
      'INSERT OR IGNORE INTO official_items (company_id, product_code, item_code, official_result_id, batch_no, production_date) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const itemCode of result.itemCodes) {
      item.run(
        result.companyId,
        result.productCode,
        itemCode,
        result.id,
        result.batchNo,
        result.productionDate,
      );
    }
  }

  /** Official item results of one company + product, all items in one range read. */
  officialItems(companyId: string, productCode: string): OfficialItemRow[] {
    return this.#sql(
      'SELECT item_code AS itemCode, official_result_id AS officialResultId, batch_no AS batchNo, production_date AS productionDate FROM official_items WHERE company_id = ? AND product_code = ?',
    ).all(companyId, productCode) as OfficialItemRow[];
  }

  /** Stores the current state of a deviation; one with no severity is removed from the list. */
  upsertDeviation(record: DeviationRecord): void {
    const existing = this.deviation(record.id);
    this.#sql(
      `INSERT INTO deviations (id, company_id, product_code, item_code, batch_no, severity, rule, metrics, self_test_id, official_result_id, revision, tx_id, actions)
         VALUES (@id, @companyId, @productCode, @itemCode, @batchNo, @severity, @rule, @metrics, @selfTestId, @officialResultId, @revision, @txId, @actions)
         ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, rule = excluded.rule, metrics = excluded.metrics,
           self_test_id = excluded.self_test_id, revision = excluded.revision, tx_id = excluded.tx_id
         WHERE excluded.revision >= deviations.revision`,
    ).run({
      id: record.id,
      companyId: record.companyId,
      productCode: record.productCode,
      itemCode: record.itemCode,
      batchNo: record.batchNo,
      severity: record.severity,
      rule: record.rule,
      metrics: JSON.stringify(record.metrics),
      selfTestId: record.selfTestId,
      officialResultId: record.officialResultId,
      revision: record.revision,
      txId: record.anchor.txId,
      actions: JSON.stringify(existing?.actions ?? []),
    });
  }

  /** The stored state of one deviation. */
  deviation(id: string): StoredDeviation | undefined {
    const row = this.#sql('SELECT self_test_id, severity, actions FROM deviations WHERE id = ?').get(id) as
      { self_test_id: string | null; severity: Severity | null; actions: string } | undefined;
    if (!row) return undefined;
    return {
      selfTestId: row.self_test_id,
      severity: row.severity,
      actions: JSON.parse(row.actions) as ActionView[],
    };
  }

  /** Adds actions to a deviation (an action with the same type and id is kept once). */
  addActions(deviationId: string, actions: readonly ActionView[]): void {
    const stored = this.deviation(deviationId);
    if (!stored) return;
    const merged = [...stored.actions];
    for (const action of actions) {
      if (!merged.some((a) => a.type === action.type && a.id === action.id)) merged.push(action);
    }
    this.#sql('UPDATE deviations SET actions = ? WHERE id = ?').run(JSON.stringify(merged), deviationId);
  }

  upsertTask(task: SamplingTaskRecord): void {
    this.#sql(
      `INSERT INTO tasks (id, company_id, product_code, item_codes, reason, status, inspectors, seed, tx_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status`,
    ).run(
      task.id,
      task.companyId,
      task.productCode,
      JSON.stringify(task.itemCodes),
      JSON.stringify(task.reason),
      task.status,
      JSON.stringify(task.inspectors),
      task.seed,
      task.txId,
    );
  }

  setBatchStatus(companyId: string, productCode: string, batchNo: string, status: BatchStatus): void {
    this.#sql(
      'INSERT INTO batches (company_id, product_code, batch_no, status) VALUES (?, ?, ?, ?) ON CONFLICT (company_id, product_code, batch_no) DO UPDATE SET status = excluded.status',
    ).run(companyId, productCode, batchNo, status);
  }

  // ---- queries ----

  blockOf(txId: string): number | undefined {
    const row = this.#sql('SELECT block FROM tx_blocks WHERE tx_id = ?').get(txId) as
      { block: number } | undefined;
    return row?.block;
  }

  deviations(filter: DeviationFilter, request: PageRequest): Page<DeviationView> {
    const clauses = ['severity IS NOT NULL', 'id > @after'];
    if (filter.companyId !== undefined) clauses.push('company_id = @companyId');
    if (filter.productCode !== undefined) clauses.push('product_code = @productCode');
    if (filter.itemCode !== undefined) clauses.push('item_code = @itemCode');
    if (filter.severity !== undefined) clauses.push('severity = @severity');
    const rows = this.#sql(
      `SELECT * FROM deviations WHERE ${clauses.join(' AND ')} ORDER BY id LIMIT @limit`,
    ).all({ ...filter, after: decodeCursor(request.cursor), limit: request.limit + 1 }) as DeviationRow[];
    const { rows: kept, next } = page(rows, request.limit);
    return next === undefined
      ? { items: kept.map(toDeviationView) }
      : { items: kept.map(toDeviationView), next };
  }

  tasks(filter: TaskFilter, request: PageRequest): Page<TaskView> {
    const clauses = ['id > @after'];
    if (filter.companyId !== undefined) clauses.push('company_id = @companyId');
    if (filter.status !== undefined) clauses.push('status = @status');
    const rows = this.#sql(`SELECT * FROM tasks WHERE ${clauses.join(' AND ')} ORDER BY id LIMIT @limit`).all(
      { ...filter, after: decodeCursor(request.cursor), limit: request.limit + 1 },
    ) as TaskRow[];
    const { rows: kept, next } = page(rows, request.limit);
    return next === undefined ? { items: kept.map(toTaskView) } : { items: kept.map(toTaskView), next };
  }

  task(id: string): TaskView | undefined {
    const row = this.#sql('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
    return row ? toTaskView(row) : undefined;
  }

  stats(): StatsView {
    const count = (sql: string): number => (this.#sql(sql).get() as { n: number }).n;
    const batches = count('SELECT COUNT(*) AS n FROM official_results');
    const failures = count('SELECT COUNT(*) AS n FROM official_results WHERE failed = 1');
    const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const row of this.#sql(
      'SELECT severity, COUNT(*) AS n FROM deviations WHERE severity IS NOT NULL GROUP BY severity',
    ).all() as {
      severity: Severity;
      n: number;
    }[]) {
      bySeverity[row.severity] = row.n;
    }
    return {
      batches,
      failures,
      failRate: batches === 0 ? 0 : Math.round((failures / batches) * 10000) / 10000,
      selfTests: count('SELECT COUNT(*) AS n FROM self_tests'),
      deviations: bySeverity,
      tasks: {
        open: count("SELECT COUNT(*) AS n FROM tasks WHERE status = 'open'"),
        total: count('SELECT COUNT(*) AS n FROM tasks'),
      },
      locks: {
        locked: count("SELECT COUNT(*) AS n FROM batches WHERE status = 'locked'"),
        recalled: count("SELECT COUNT(*) AS n FROM batches WHERE status = 'recalled'"),
      },
    };
  }
}
