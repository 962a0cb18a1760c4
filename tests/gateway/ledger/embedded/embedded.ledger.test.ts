import Database from 'better-sqlite3';

import { decodeBlockData, encodeBlockData } from '../../../../gateway/ledger/embedded/block.codec';
import { verifyChain } from '../../../../gateway/ledger/embedded/chain.verifier';
import type { EmbeddedLedgerOptions } from '../../../../gateway/ledger/embedded/embedded.ledger';
import { EmbeddedLedger } from '../../../../gateway/ledger/embedded/embedded.ledger';
import { SqliteStateStore } from '../../../../gateway/ledger/embedded/sqlite.state.store';
import {
  ContractError,
  LedgerUnavailableError,
  TransientLedgerError,
} from '../../../../gateway/ledger/ledger.errors';
import type { LedgerBlockEvents, SubmitOutcome } from '../../../../gateway/ledger/ledger.port';
import type { LedgerActors, TempDir } from './embedded.fixture';
import { COMPANY_A, companyA, enrollActors, json, selfTest, tempDir } from './embedded.fixture';
import { builtSimulationWorker } from './simulation.worker.fixture';

let actors: LedgerActors;
let dir: TempDir;
const opened: EmbeddedLedger[] = [];
/** Where the contract runs in the suite under way: the same table runs once for each. */
let modeOptions: Partial<EmbeddedLedgerOptions> = {};

beforeAll(() => {
  actors = enrollActors();
});

beforeEach(() => {
  dir = tempDir('embedded-ledger');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((ledger) => ledger.close()));
  dir.remove();
});

async function openLedger(options: Partial<EmbeddedLedgerOptions> = {}): Promise<EmbeddedLedger> {
  const ledger = await EmbeddedLedger.open({ dataDir: dir.path, ...modeOptions, ...options });
  opened.push(ledger);
  return ledger;
}

/** A ledger where company A is registered (block 0), opened with `options` after that block. */
async function ledgerWithCompany(options: Partial<EmbeddedLedgerOptions> = {}): Promise<EmbeddedLedger> {
  const setup = await EmbeddedLedger.open({ dataDir: dir.path });
  await setup.submit(actors.regulator, 'RegisterCompany', [companyA()]);
  await setup.close();
  return openLedger(options);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Reads blocks from `nextBlock` until `count` have arrived, then aborts the reader. */
async function readBlocks(
  ledger: EmbeddedLedger,
  nextBlock: number,
  count: number,
): Promise<LedgerBlockEvents[]> {
  const controller = new AbortController();
  const received: LedgerBlockEvents[] = [];
  for await (const block of ledger.blocks({ nextBlock }, controller.signal)) {
    received.push(block);
    if (received.length === count) controller.abort();
  }
  return received;
}

async function collect(blocks: AsyncIterable<LedgerBlockEvents>): Promise<LedgerBlockEvents[]> {
  const received: LedgerBlockEvents[] = [];
  for await (const block of blocks) received.push(block);
  return received;
}

function eventTxIds(blocks: readonly LedgerBlockEvents[]): string[] {
  return blocks.flatMap((block) => block.events.map((event) => event.txId));
}

const MODES: readonly { name: string; options: () => Partial<EmbeddedLedgerOptions> }[] = [
  { name: 'the contract on the ledger thread', options: () => ({}) },
  {
    name: 'the contract in a simulation worker',
    options: () => ({ simulationWorkers: 1, simulationWorkerScript: builtSimulationWorker() }),
  },
];

describe.each(MODES)('with $name', ({ options }) => {
  beforeAll(() => {
    modeOptions = options();
  });

  describe('EmbeddedLedger — submit and evaluate with the real chaincode', () => {
    it('resolves a submit with its transaction id, block and the contract payload once committed', async () => {
      const ledger = await ledgerWithCompany();

      const outcome = await ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-1')]);

      expect(outcome.txId).toMatch(/^[0-9a-f]{64}$/);
      expect(outcome.blockNumber).toBe(1);
      expect(json(outcome.payload)).toMatchObject({
        changed: true,
        record: { id: `ST-${COMPANY_A}-ST-1`, anchor: { txId: outcome.txId } },
      });
      expect(await ledger.height()).toBe(2);
      const stored = json(await ledger.evaluate(actors.enterpriseA, 'GetSelfTest', [`ST-${COMPANY_A}-ST-1`]));
      expect(stored).toMatchObject({ reportNo: 'ST-1', anchor: { txId: outcome.txId } });
    });

    it('turns a contract refusal into a ContractError with the domain code, and writes nothing', async () => {
      const ledger = await ledgerWithCompany();

      const error = await rejection(ledger.submit(actors.enterpriseB, 'SubmitSelfTest', [selfTest('ST-1')]));

      expect(error).toBeInstanceOf(ContractError);
      expect(error).toMatchObject({ code: 'ACCESS.COMPANY', kind: 'forbidden' });
      expect((error as ContractError).transactionId).toMatch(/^[0-9a-f]{64}$/);
      expect(await ledger.height()).toBe(1);
    });

    it('turns a refused query into a ContractError', async () => {
      const ledger = await ledgerWithCompany();

      const error = await rejection(
        ledger.evaluate(actors.enterpriseA, 'GetSelfTest', [`ST-${COMPANY_A}-nope`]),
      );

      expect(error).toBeInstanceOf(ContractError);
      expect((error as ContractError).kind).toBe('not-found');
    });

    it('commits the first of two conflicting submits in one block and refuses the other as transient', async () => {
      const ledger = await ledgerWithCompany({ blockMaxTransactions: 2, blockTimeoutMs: 5_000 });

      const results = await Promise.allSettled([
        ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-9', { batchNo: 'L1' })]),
        ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-9', { batchNo: 'L2' })]),
      ]);

      const committed = results.filter(
        (r): r is PromiseFulfilledResult<SubmitOutcome> => r.status === 'fulfilled',
      );
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(committed).toHaveLength(1);
      expect(refused).toHaveLength(1);
      const error: unknown = refused[0]!.reason;
      expect(error).toBeInstanceOf(TransientLedgerError);
      expect(error).toMatchObject({ reason: 'mvcc-conflict' });
      expect(await ledger.height()).toBe(2);
      const [block] = await readBlocks(ledger, 1, 1);
      expect(block!.events.map((event) => event.txId)).toEqual([committed[0]!.value.txId]);
      const stored = json(await ledger.evaluate(actors.enterpriseA, 'GetSelfTest', [`ST-${COMPANY_A}-ST-9`]));
      // The stored report is the winner's: its anchor names the committed transaction.
      expect(stored).toMatchObject({ anchor: { txId: committed[0]!.value.txId } });
    });

    it('refuses calls after close with LedgerUnavailableError', async () => {
      const ledger = await ledgerWithCompany();
      await ledger.close();

      await expect(
        ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-1')]),
      ).rejects.toBeInstanceOf(LedgerUnavailableError);
      await expect(ledger.evaluate(actors.regulator, 'WhoAmI', [])).rejects.toBeInstanceOf(
        LedgerUnavailableError,
      );
    });
  });

  describe('EmbeddedLedger — block cutting', () => {
    it('cuts a block as soon as maxTransactions are queued', async () => {
      const ledger = await ledgerWithCompany({ blockMaxTransactions: 4, blockTimeoutMs: 200 });

      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest(`ST-${i}`)]),
        ),
      );

      const perBlock = new Map<number, number>();
      for (const { blockNumber } of outcomes) perBlock.set(blockNumber, (perBlock.get(blockNumber) ?? 0) + 1);
      expect([...perBlock]).toEqual([
        [1, 4],
        [2, 4],
        [3, 2],
      ]);
    });

    it('cuts a block of whatever is queued when the timeout runs out', async () => {
      const ledger = await ledgerWithCompany({ blockMaxTransactions: 500, blockTimeoutMs: 25 });

      const outcomes = await Promise.all(
        Array.from({ length: 3 }, (_, i) =>
          ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest(`ST-${i}`)]),
        ),
      );

      expect(outcomes.map((outcome) => outcome.blockNumber)).toEqual([1, 1, 1]);
      expect(await ledger.height()).toBe(2);
    });

    it('commits the queued transactions as a last block when it closes', async () => {
      const ledger = await ledgerWithCompany({ blockTimeoutMs: 60_000 });

      const pending = ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-1')]);
      await ledger.close();

      await expect(pending).resolves.toMatchObject({ blockNumber: 1 });
      const reopened = await openLedger();
      expect(await reopened.height()).toBe(2);
    });
  });

  describe('EmbeddedLedger — durability', () => {
    it('finds the same height, state, history and events after close and reopen', async () => {
      const first = await ledgerWithCompany();
      const submitted = await Promise.all(
        ['ST-1', 'ST-2', 'ST-3'].map((no) =>
          first.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest(no)]),
        ),
      );
      const height = await first.height();
      const eventsBefore = await readBlocks(first, 0, height);
      await first.close();

      const reopened = await openLedger();

      expect(await reopened.height()).toBe(height);
      expect(await readBlocks(reopened, 0, height)).toEqual(eventsBefore);
      const history = json(
        await reopened.evaluate(actors.regulator, 'GetHistory', [
          'selftest',
          JSON.stringify([`ST-${COMPANY_A}-ST-2`]),
        ]),
      );
      expect(history).toMatchObject([{ txId: submitted[1]!.txId }]);
      const next = await reopened.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-4')]);
      expect(next.blockNumber).toBe(height);
      await reopened.close();
      expect(verifyChain(reopened.databaseFile)).toEqual({
        ok: true,
        height: height + 1,
        headHash: expect.any(String) as string,
      });
    });

    it('stores block data that is the canonical encoding of its transactions, valid or not', async () => {
      const ledger = await ledgerWithCompany({ blockMaxTransactions: 4, blockTimeoutMs: 5_000 });
      // Block 1: new reports, one of them in conflict; block 2: identical re-posts, which write nothing.
      const blocks = [
        [
          selfTest('ST-1'),
          selfTest('ST-2', { batchNo: 'L1' }),
          selfTest('ST-2', { batchNo: 'L2' }),
          selfTest('ST-3'),
        ],
        [selfTest('ST-1'), selfTest('ST-3'), selfTest('ST-1'), selfTest('ST-3')],
      ];
      for (const payloads of blocks) {
        await Promise.allSettled(
          payloads.map((payload) => ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [payload])),
        );
      }
      const delivered = await readBlocks(ledger, 1, 2);
      await ledger.close();

      const db = new Database(ledger.databaseFile, { readonly: true });
      try {
        const stored = db.prepare<[number], { data: Buffer }>('SELECT data FROM blocks WHERE number = ?');
        blocks.forEach((payloads, index) => {
          const data = stored.get(index + 1)!.data;
          const block = decodeBlockData(index + 1, data);
          // Re-encoding on this thread gives the very bytes the ledger stored …
          expect(encodeBlockData(block.transactions).equals(data)).toBe(true);
          // … and they hold what was proposed and what the ledger delivered and applied.
          expect(block.transactions.map((tx) => [tx.fcn, tx.args[0]]).sort()).toEqual(
            payloads.map((payload) => ['SubmitSelfTest', payload]).sort(),
          );
          const storedEvents = block.transactions.flatMap((tx) =>
            tx.validationCode === 'VALID' && tx.event !== undefined
              ? [{ txId: tx.txId, name: tx.event.eventName, payload: tx.event.payload.toString('utf8') }]
              : [],
          );
          expect(storedEvents).toEqual(
            delivered[index]!.events.map((event) => ({
              txId: event.txId,
              name: event.eventName,
              payload: Buffer.from(event.payload).toString('utf8'),
            })),
          );
        });
        const codes = (number: number) =>
          decodeBlockData(number, stored.get(number)!.data)
            .transactions.map((tx) => tx.validationCode)
            .sort();
        expect([codes(1), codes(2)]).toEqual([
          ['MVCC_READ_CONFLICT', 'VALID', 'VALID', 'VALID'],
          ['VALID', 'VALID', 'VALID', 'VALID'],
        ]);
      } finally {
        db.close();
      }
      expect(verifyChain(ledger.databaseFile)).toMatchObject({ ok: true, height: 3 });
    });

    it('stores each block with its hash chained to the one before', async () => {
      const ledger = await ledgerWithCompany();
      await ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-1')]);
      await ledger.close();

      const store = SqliteStateStore.open(ledger.databaseFile);
      try {
        const [zero, one] = [store.blockHeader(0)!, store.blockHeader(1)!];
        expect(zero.previousHash).toBe('0'.repeat(64));
        expect(one.previousHash).toBe(zero.hash);
        expect(store.headHash).toBe(one.hash);
      } finally {
        store.close();
      }
    });
  });

  describe('EmbeddedLedger — committed events', () => {
    it('re-delivers exactly the blocks after a checkpoint, then live ones, and ends on abort', async () => {
      const ledger = await ledgerWithCompany();
      const early = await ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-1')]);
      const checkpoint = { nextBlock: await ledger.height() };
      const controller = new AbortController();
      const received: LedgerBlockEvents[] = [];
      const reading = (async () => {
        for await (const block of ledger.blocks(checkpoint, controller.signal)) {
          received.push(block);
          if (received.length === 2) controller.abort();
        }
      })();

      const live = [
        await ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-2')]),
        await ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-3')]),
      ];
      await reading;

      expect(received.map((block) => block.blockNumber)).toEqual([2, 3]);
      expect(eventTxIds(received)).toEqual(live.map((outcome) => outcome.txId));
      expect(eventTxIds(received)).not.toContain(early.txId);
      expect(received[0]!.events[0]).toMatchObject({
        blockNumber: 2,
        txIndex: 0,
        eventName: 'SubmitSelfTest',
      });
      expect(json(received[0]!.events[0]!.payload)).toMatchObject({ id: `ST-${COMPANY_A}-ST-2` });
    });

    it('ends a reader waiting for new blocks when its signal aborts', async () => {
      const ledger = await ledgerWithCompany();
      const controller = new AbortController();
      const reading = collect(ledger.blocks({ nextBlock: 1 }, controller.signal));
      await new Promise((resolve) => setImmediate(resolve));

      controller.abort();

      await expect(reading).resolves.toEqual([]);
    });

    it('ends waiting readers when the ledger closes', async () => {
      const ledger = await ledgerWithCompany();
      const reading = collect(ledger.blocks({ nextBlock: 1 }, new AbortController().signal));

      await ledger.close();

      await expect(reading).resolves.toEqual([]);
    });
  });
});
