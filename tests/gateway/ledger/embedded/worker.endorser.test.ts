import path from 'node:path';

import { EmbeddedLedger } from '../../../../gateway/ledger/embedded/embedded.ledger';
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

describe('EmbeddedLedger — simulation workers', () => {
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
