import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

import pino from 'pino';

import { EventConsumer } from '../../../gateway/consumer/event.consumer';
import type { Principal } from '../../../gateway/identity/principal';
import { LedgerUnavailableError } from '../../../gateway/ledger/ledger.errors';
import type { LedgerBlockEvents, LedgerPort } from '../../../gateway/ledger/ledger.port';
import { SqliteReadModel } from '../../../gateway/read-model/sqlite.read-model';

/**
 * How the event consumer rides out a ledger that fails: it resumes from its checkpoint after a
 * pause that doubles with each failure in a row, up to a ceiling, and starts again from the first
 * pause once a block has gone through. A fake ledger port stands in for an unreachable one; the
 * read model is the real SQLite one.
 */

const SYSTEM: Principal = {
  name: 'gateway (system)',
  org: 'regulator',
  role: 'regulator',
  ledger: { label: 'system', mspId: 'RegulatorMSP', certificate: 'unused' },
};

/** A ledger whose block stream fails, except for the blocks `script` names by call. */
class FailingLedger implements LedgerPort {
  readonly kind = 'embedded' as const;
  calls = 0;

  /** What the nth call of `blocks` yields before it fails (nothing by default). */
  constructor(private readonly script: ReadonlyMap<number, LedgerBlockEvents> = new Map()) {}

  submit(): Promise<never> {
    return Promise.reject(new LedgerUnavailableError('no peer', 5));
  }

  evaluate(): Promise<never> {
    return Promise.reject(new LedgerUnavailableError('no peer', 5));
  }

  height(): Promise<number> {
    return Promise.resolve(0);
  }

  blocks(): AsyncIterable<LedgerBlockEvents> {
    this.calls += 1;
    let pending = this.script.get(this.calls);
    return {
      [Symbol.asyncIterator]: () => ({
        next: (): Promise<IteratorResult<LedgerBlockEvents>> => {
          if (pending) {
            const value = pending;
            pending = undefined;
            return Promise.resolve({ value, done: false });
          }
          return Promise.reject(new LedgerUnavailableError('no peer', 5));
        },
      }),
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

interface LogLine {
  readonly msg: string;
  readonly failures?: number;
  readonly retryInMs?: number;
}

describe('event consumer: a failing ledger', () => {
  let folder: string;
  let readModel: SqliteReadModel;
  let lines: LogLine[];
  let consumer: EventConsumer | undefined;

  const logger = () =>
    pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString('utf8')) as LogLine);
          done();
        },
      }),
    );
  const retries = (): (number | undefined)[] =>
    lines.filter((line) => line.retryInMs !== undefined).map((line) => line.retryInMs);
  async function untilRetries(count: number): Promise<void> {
    while (retries().length < count) await new Promise((r) => setTimeout(r, 2));
  }

  beforeEach(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'fic-consumer-'));
    readModel = SqliteReadModel.open(path.join(folder, 'read-model.sqlite'));
    lines = [];
  });

  afterEach(async () => {
    await consumer?.stop();
    readModel.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('waits twice as long after each failure in a row, up to its ceiling', async () => {
    const ledger = new FailingLedger();
    consumer = new EventConsumer({
      ledger,
      readModel,
      system: SYSTEM,
      logger: logger(),
      retryDelayMs: 1,
      maxRetryDelayMs: 8,
    });
    consumer.start();
    await untilRetries(6);
    await consumer.stop();
    expect(retries().slice(0, 6)).toEqual([1, 2, 4, 8, 8, 8]);
    expect(lines.filter((l) => l.failures !== undefined).map((l) => l.failures)).toEqual(
      Array.from({ length: retries().length }, (_, i) => i + 1),
    );
  });

  it('starts again from the first pause once a block has gone through', async () => {
    const block: LedgerBlockEvents = { blockNumber: 0, events: [] };
    const ledger = new FailingLedger(new Map([[3, block]]));
    consumer = new EventConsumer({ ledger, readModel, system: SYSTEM, logger: logger(), retryDelayMs: 1 });
    consumer.start();
    await untilRetries(4);
    await consumer.stop();
    expect(retries().slice(0, 4)).toEqual([1, 2, 1, 2]);
    expect(readModel.processedHeight()).toBe(1);
  });

  it('stops at once while it waits to try again', async () => {
    consumer = new EventConsumer({
      ledger: new FailingLedger(),
      readModel,
      system: SYSTEM,
      logger: logger(),
      retryDelayMs: 600_000,
    });
    consumer.start();
    await untilRetries(1);
    const hung = new Promise<'hung'>((resolve) =>
      setTimeout(() => {
        resolve('hung');
      }, 10_000).unref(),
    );
    await expect(Promise.race([consumer.stop(), hung])).resolves.toBeUndefined();
  });
});
