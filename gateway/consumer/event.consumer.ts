import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { LedgerEvents } from '../../src/records/ledger.events';
import type {
  BatchRecord,
  DeviationRecord,
  OfficialResultRecord,
  SamplingTaskRecord,
  SelfTestRecord,
} from '../../src/records/ledger.records';
import { daysBetween } from '../../src/time/iso-time';
import { DEVIATION_THRESHOLDS } from '../../src/rules/deviation.thresholds';
import { ContractError } from '../ledger/ledger.errors';
import { backoffDelay } from '../ledger/retry.policy';
import type { LedgerBlockEvents, LedgerEvent, LedgerPort } from '../ledger/ledger.port';
import type { Principal } from '../identity/principal';
import type { ActionView } from '../read-model/read-model.port';
import type { SqliteReadModel } from '../read-model/sqlite.read-model';
import type { DeviationClaimInput } from '../../src/records/deviation-claim.schema';
import { claimFor } from './deviation.matcher';
import { LedgerCalls } from './ledger.calls';

/**
 * The event consumer (DESIGN §5, §6, §8). It reads committed blocks from its checkpoint, and for
 * each chaincode event runs the matching and deviation rules, submits the deviation (which the
 * chaincode recomputes), fires the triggers — lock, targeted sampling task, code info — and
 * updates the read model; then, in one SQLite transaction with the read-model writes, it moves
 * its checkpoint past the block. Every effect has a deterministic id (`LOCK-…`, `TK-…`), so
 * replaying a block after a crash changes nothing on the ledger.
 */
export interface ConsumerOptions {
  readonly ledger: LedgerPort;
  readonly readModel: SqliteReadModel;
  /** The gateway's own regulator identity: effects are submitted as it. */
  readonly system: Principal;
  readonly logger: Logger;
  /** Pause before resuming after a first failure; it doubles with each failure in a row. */
  readonly retryDelayMs?: number;
  /** The longest pause between two tries (30 s by default). */
  readonly maxRetryDelayMs?: number;
}

type Write = () => void;

interface BlockContext {
  readonly block: LedgerBlockEvents;
  readonly writes: Write[];
  /** Official results read during this block, by id. */
  readonly officials: Map<string, OfficialResultRecord>;
}

const MAX_REFERENCE_RETRIES = 3;

function parse<N extends keyof LedgerEvents>(event: LedgerEvent, _name: N): LedgerEvents[N] {
  return JSON.parse(event.payload.toString('utf8')) as LedgerEvents[N];
}

/** Reads the ledger's events and acts on them. */
export class EventConsumer {
  readonly #calls: LedgerCalls;
  readonly #log: Logger;
  #abort: AbortController | undefined;
  #running: Promise<void> | undefined;
  /** How many events were handled since start (for metrics and tests). */
  handled = 0;

  constructor(private readonly options: ConsumerOptions) {
    this.#calls = new LedgerCalls(options.ledger, options.system.ledger);
    this.#log = options.logger.child({ module: 'consumer' });
  }

  /** Starts consuming in the background. */
  start(): void {
    if (this.#running) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.#running = this.#loop(abort.signal);
  }

  /** Stops after the block in hand and waits for the loop to end. */
  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#running;
    this.#running = undefined;
  }

  async #loop(signal: AbortSignal): Promise<void> {
    // A function, not a property read: the signal flips while the loop awaits.
    const stopped = (): boolean => signal.aborted;
    const backoff = {
      attempts: Infinity,
      initialDelayMs: this.options.retryDelayMs ?? 1000,
      maxDelayMs: this.options.maxRetryDelayMs ?? 30_000,
    };
    let failures = 0;
    while (!stopped()) {
      try {
        const from = { nextBlock: this.options.readModel.processedHeight() };
        for await (const block of this.options.ledger.blocks(from, signal)) {
          await this.processBlock(block);
          failures = 0;
          if (stopped()) break;
        }
      } catch (error: unknown) {
        if (stopped()) break;
        failures += 1;
        const retryInMs = backoffDelay(backoff, failures);
        this.#log.error(
          { err: error, failures, retryInMs },
          'consumer stopped on an error; resuming from the checkpoint',
        );
        // A stop during the pause ends it at once.
        await delay(retryInMs, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Handles every event of one block, then stores the read-model writes and the checkpoint together. */
  async processBlock(block: LedgerBlockEvents): Promise<void> {
    const context: BlockContext = { block, writes: [], officials: new Map() };
    for (const event of block.events) {
      context.writes.push(() => {
        this.options.readModel.recordTransaction(event.txId, event.blockNumber);
      });
      await this.#handle(event, context);
      this.handled++;
    }
    this.options.readModel.commitBlock(block.blockNumber + 1, () => {
      for (const write of context.writes) write();
    });
  }

  async #handle(event: LedgerEvent, context: BlockContext): Promise<void> {
    switch (event.eventName) {
      case 'SubmitSelfTest':
        return this.#onSelfTest(event, context);
      case 'SubmitOfficialResult':
        return this.#onOfficialResult(event, context);
      case 'RecordDeviation':
        return this.#onDeviation(event, context);
      case 'OpenSamplingTask':
      case 'UpdateSamplingTask':
        return this.#refreshTask(parse(event, 'OpenSamplingTask').id, context);
      case 'LockBatch':
      case 'UnlockBatch':
        return this.#onBatch(parse(event, 'LockBatch'), context);
      case 'RecallBatches':
        for (const batch of parse(event, 'RecallBatches').batches) await this.#onBatch(batch, context);
        return undefined;
      default:
        return undefined;
    }
  }

  async #official(id: string, context: BlockContext): Promise<OfficialResultRecord> {
    const cached = context.officials.get(id);
    if (cached) return cached;
    const record = await this.#calls.query<OfficialResultRecord>('GetOfficialResult', id);
    context.officials.set(id, record);
    return record;
  }

  /** A new self-test may be a better reference for official results already compared. */
  async #onSelfTest(event: LedgerEvent, context: BlockContext): Promise<void> {
    const e = parse(event, 'SubmitSelfTest');
    context.writes.push(() => {
      this.options.readModel.recordSelfTest(e.id, e.companyId, e.productCode, e.batchNo, event.txId);
    });
    // A re-posted identical report changed nothing; its original event did the matching.
    if (!e.changed) return;
    const officialItems = this.options.readModel.officialItems(e.companyId, e.productCode);
    if (officialItems.length === 0) return;
    let self: SelfTestRecord | undefined;
    for (const itemCode of e.itemCodes) {
      const rows = officialItems.filter((row) => row.itemCode === itemCode);
      if (rows.length === 0) continue;
      self ??= await this.#calls.query<SelfTestRecord>('GetSelfTest', e.id);
      const productionDate = self.productionDate;
      const affected = rows.filter(
        (row) =>
          row.batchNo === e.batchNo ||
          Math.abs(daysBetween(row.productionDate, productionDate)) <= DEVIATION_THRESHOLDS.pairingWindowDays,
      );
      for (const row of affected)
        await this.#compare(await this.#official(row.officialResultId, context), itemCode);
    }
  }

  async #onOfficialResult(event: LedgerEvent, context: BlockContext): Promise<void> {
    const e = parse(event, 'SubmitOfficialResult');
    if (!e.changed) return;
    const official = await this.#official(e.id, context);
    context.writes.push(() => {
      this.options.readModel.recordOfficialResult(
        {
          id: e.id,
          companyId: e.companyId,
          productCode: e.productCode,
          batchNo: e.batchNo,
          productionDate: official.productionDate,
          itemCodes: e.itemCodes,
          failed: e.failedItemCodes.length > 0,
        },
        event.txId,
      );
    });
    const batchEffects = async (): Promise<void> => {
      if (e.failedItemCodes.length > 0) {
        // An official result that fails locks its batch, paired or not (DESIGN §6).
        await this.#lock(
          { companyId: e.companyId, productCode: e.productCode, batchNo: e.batchNo },
          `official result ${official.samplingNo} failed: ${e.failedItemCodes.join(', ')}`,
          `LOCK-${e.id}`,
        );
      }
      await this.#updateCodeInfo(e.companyId, e.productCode, e.batchNo);
    };
    // The effects touch different keys, and on Fabric each is a block round trip: run them together.
    await Promise.all([...e.itemCodes.map((itemCode) => this.#compare(official, itemCode)), batchEffects()]);
    if (e.taskId !== undefined) await this.#refreshTask(e.taskId, context);
  }

  /** Compares one official item result and records the deviation when it differs from what is stored. */
  async #compare(official: OfficialResultRecord, itemCode: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_REFERENCE_RETRIES; attempt++) {
      const claim = await claimFor(this.#calls, official, itemCode);
      const stored = this.options.readModel.deviation(`DV-${official.id}-${itemCode}`);
      if (!stored && claim.selfTestId === null) return;
      if (stored && stored.selfTestId === claim.selfTestId && stored.severity === claim.severity) return;
      if (await this.#submitDeviation(claim)) return;
    }
    this.#log.warn(
      { officialResultId: official.id, itemCode },
      'reference kept moving; the next self-test event will revisit',
    );
  }

  /** Submits a claim; false when the reference moved under it (the caller recomputes). */
  async #submitDeviation(claim: DeviationClaimInput): Promise<boolean> {
    try {
      await this.#calls.submit('RecordDeviation', claim);
      return true;
    } catch (error: unknown) {
      if (error instanceof ContractError && error.code === 'DEVIATION.REFERENCE_MISMATCH') return false;
      if (error instanceof ContractError) {
        this.#log.error({ err: error, claim }, 'the chaincode refused a deviation claim');
        return true;
      }
      throw error;
    }
  }

  async #onDeviation(event: LedgerEvent, context: BlockContext): Promise<void> {
    const e = parse(event, 'RecordDeviation');
    if (!e.changed) return;
    const record = await this.#calls.query<DeviationRecord>('GetDeviation', e.id);
    // Shown at once rather than with the block's checkpoint: the row is keyed and guarded by its
    // revision, so writing it again on a replay changes nothing, and regulators see it before the
    // triggers below have gone through the ledger.
    this.options.readModel.upsertDeviation(record);
    const wanted = [
      e.severity === 'critical'
        ? this.#lock(e, `verdict conflict on ${e.itemCode} (${e.id})`, `LOCK-${e.id}`)
        : Promise.resolve(undefined),
      e.severity === 'critical' || e.severity === 'high' ? this.#openTask(e) : Promise.resolve(undefined),
    ];
    const actions = (await Promise.all(wanted)).filter((a): a is ActionView => a !== undefined);
    if (actions.length > 0) {
      context.writes.push(() => {
        this.options.readModel.addActions(e.id, actions);
      });
    }
  }

  async #lock(
    batch: { companyId: string; productCode: string; batchNo: string },
    reason: string,
    actionId: string,
  ): Promise<ActionView | undefined> {
    try {
      const { outcome, result } = await this.#calls.submit<BatchRecord>('LockBatch', {
        companyId: batch.companyId,
        productCode: batch.productCode,
        batchNo: batch.batchNo,
        reason,
        actionId,
      });
      return { type: 'lock', id: actionId, txId: outcome.txId, at: result.record.anchor.at };
    } catch (error: unknown) {
      if (!(error instanceof ContractError)) throw error;
      this.#log.error({ err: error, actionId }, 'the chaincode refused a batch lock');
      return undefined;
    }
  }

  async #openTask(e: LedgerEvents['RecordDeviation']): Promise<ActionView | undefined> {
    try {
      const { outcome, result } = await this.#calls.submit<SamplingTaskRecord>('OpenSamplingTask', {
        taskId: `TK-${e.id}`,
        companyId: e.companyId,
        productCode: e.productCode,
        itemCodes: [e.itemCode],
        reason: { deviationId: e.id, officialResultId: e.officialResultId },
      });
      return { type: 'sampling-task', id: result.record.id, txId: outcome.txId, at: result.record.anchor.at };
    } catch (error: unknown) {
      if (!(error instanceof ContractError)) throw error;
      this.#log.warn({ err: error, deviationId: e.id }, 'no targeted sampling task could be opened');
      return undefined;
    }
  }

  async #refreshTask(taskId: string, context: BlockContext): Promise<void> {
    const task = await this.#calls
      .query<SamplingTaskRecord>('GetSamplingTask', taskId)
      .catch((error: unknown) => {
        if (error instanceof ContractError) return undefined;
        throw error;
      });
    if (task) {
      context.writes.push(() => {
        this.options.readModel.upsertTask(task);
      });
    }
  }

  async #onBatch(
    e: {
      companyId: string;
      productCode: string;
      batchNo: string;
      status: BatchRecord['status'];
      changed: boolean;
    },
    context: BlockContext,
  ): Promise<void> {
    context.writes.push(() => {
      this.options.readModel.setBatchStatus(e.companyId, e.productCode, e.batchNo, e.status);
    });
    // The code shows a lock or recall from the moment it is decided.
    if (e.changed) await this.#updateCodeInfo(e.companyId, e.productCode, e.batchNo);
  }

  async #updateCodeInfo(companyId: string, productCode: string, batchNo: string): Promise<void> {
    try {
      await this.#calls.submit('UpdateCodeInfo', { companyId, productCode, batchNo });
    } catch (error: unknown) {
      if (!(error instanceof ContractError)) throw error;
      this.#log.warn({ err: error, companyId, productCode, batchNo }, 'code info not updated');
    }
  }
}
