import { readFileSync } from 'node:fs';
import path from 'node:path';

import Database from 'better-sqlite3';

import { decodeBlockData, encodeBlockData } from '../../../../gateway/ledger/embedded/block.codec';
import { verifyChain } from '../../../../gateway/ledger/embedded/chain.verifier';
import { EmbeddedLedger } from '../../../../gateway/ledger/embedded/embedded.ledger';
import { ENCODE_BELOW_BACKLOG } from '../../../../gateway/ledger/embedded/worker.endorser';
import { LedgerUnavailableError } from '../../../../gateway/ledger/ledger.errors';
import type { LedgerActors, TempDir } from './embedded.fixture';
import { companyA, enrollActors, json, selfTest, tempDir } from './embedded.fixture';
import { builtSimulationWorker } from './simulation.worker.fixture';

let actors: LedgerActors;
let dir: TempDir;

beforeAll(() => {
  actors = enrollActors();
  builtSimulationWorker(); // the mortal worker loads the build's worker
});

beforeEach(() => {
  dir = tempDir('worker-endorser');
});

afterEach(() => {
  dir.remove();
});

const MORTAL_WORKER = path.join(__dirname, 'fixtures', 'mortal.worker.mjs');
const RECORDING_WORKER = path.join(__dirname, 'fixtures', 'recording.worker.mjs');

describe('EmbeddedLedger — simulation workers', () => {
  it('has the worker encode block bytes only behind a short queue, and stores the same canonical bytes either way', async () => {
    const ledger = await EmbeddedLedger.open({
      dataDir: dir.path,
      simulationWorkers: 1,
      simulationWorkerScript: RECORDING_WORKER,
      blockMaxTransactions: 500,
      blockTimeoutMs: 2_000,
    });
    // Twice the backlog up to which the worker encodes: the rest the committing thread does.
    const numbers = Array.from({ length: 2 * ENCODE_BELOW_BACKLOG }, (_, n) => `ST-B${String(n)}`);
    try {
      await ledger.submit(actors.regulator, 'RegisterCompany', [companyA()]);
      await Promise.all(
        numbers.map((number) => ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest(number)])),
      );
    } finally {
      await ledger.close();
    }
    const asked = readFileSync(`${ledger.databaseFile}.encode-flags`, 'utf8');
    // The first proposals found a short queue, the later ones a long one.
    expect(asked.split('').filter((flag) => flag === '1').length).toBeGreaterThanOrEqual(
      ENCODE_BELOW_BACKLOG,
    );
    expect(asked).toContain('0');

    expect(verifyChain(ledger.databaseFile)).toMatchObject({ ok: true });
    const db = new Database(ledger.databaseFile, { readonly: true });
    try {
      const stored = db.prepare<[], { number: number; data: Buffer }>('SELECT number, data FROM blocks');
      const proposed: string[] = [];
      for (const { number, data } of stored.all()) {
        const block = decodeBlockData(number, data);
        expect(encodeBlockData(block.transactions).equals(data)).toBe(true);
        proposed.push(
          ...block.transactions.filter((tx) => tx.fcn === 'SubmitSelfTest').map((tx) => tx.args[0]!),
        );
      }
      expect(proposed.sort()).toEqual(numbers.map((number) => selfTest(number)).sort());
    } finally {
      db.close();
    }
  });

  it('fails a proposal whose worker died as unavailable (503), then serves the next one on a new worker', async () => {
    const ledger = await EmbeddedLedger.open({
      dataDir: dir.path,
      simulationWorkers: 1,
      simulationWorkerScript: MORTAL_WORKER,
    });
    try {
      await ledger.submit(actors.regulator, 'RegisterCompany', [companyA()]);

      const died = ledger.evaluate(actors.regulator, 'Die', []);

      await expect(died).rejects.toBeInstanceOf(LedgerUnavailableError);
      await expect(died).rejects.toMatchObject({ retryAfterSeconds: expect.any(Number) as number });
      const outcome = await ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-1')]);
      expect(json(outcome.payload)).toMatchObject({
        changed: true,
        record: { anchor: { txId: outcome.txId } },
      });
      expect(await ledger.height()).toBe(2);
    } finally {
      await ledger.close();
    }
  });

  it('refuses to open when the worker script cannot start, and leaves the ledger file usable', async () => {
    const opening = EmbeddedLedger.open({
      dataDir: dir.path,
      simulationWorkers: 1,
      simulationWorkerScript: path.join(dir.path, 'no-such-worker.js'),
    });

    await expect(opening).rejects.toThrow(/no-such-worker\.js/);
    const ledger = await EmbeddedLedger.open({ dataDir: dir.path });
    await ledger.submit(actors.regulator, 'RegisterCompany', [companyA()]);
    expect(await ledger.height()).toBe(1);
    await ledger.close();
  });

  it('refuses a negative or fractional worker count', async () => {
    await expect(EmbeddedLedger.open({ dataDir: dir.path, simulationWorkers: -1 })).rejects.toThrow(
      RangeError,
    );
    await expect(EmbeddedLedger.open({ dataDir: dir.path, simulationWorkers: 1.5 })).rejects.toThrow(
      RangeError,
    );
  });

  it('sees blocks committed while it runs: a worker simulation reads the latest committed state', async () => {
    const ledger = await EmbeddedLedger.open({
      dataDir: dir.path,
      simulationWorkers: 1,
      simulationWorkerScript: builtSimulationWorker(),
    });
    try {
      await ledger.submit(actors.regulator, 'RegisterCompany', [companyA()]);
      const first = await ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-1')]);

      const again = await ledger.submit(actors.enterpriseA, 'SubmitSelfTest', [selfTest('ST-1')]);

      // The re-post is a no-op only if the worker read the record the first submit committed.
      expect(json(again.payload)).toMatchObject({ changed: false, record: { anchor: { txId: first.txId } } });
    } finally {
      await ledger.close();
    }
  });
});
