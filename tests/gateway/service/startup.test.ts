import { loadConfig } from '../../../gateway/config/config';
import { createLogger } from '../../../gateway/logging/logger';
import { ReadModelInUseError } from '../../../gateway/read-model/sqlite.read-model';
import { startService } from '../../../gateway/service';
import { builtSimulationWorker } from '../ledger/embedded/simulation.worker.fixture';
import { startHarness, type Harness } from './service.harness';

describe('service start-up', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness.close();
  });

  const configFor = (port: number) =>
    loadConfig({ DATA_DIR: harness.dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' });

  it('refuses a second gateway on the same data folder, and the first keeps serving', async () => {
    await expect(
      startService(configFor(0), createLogger('silent'), { simulationWorkerScript: builtSimulationWorker() }),
    ).rejects.toThrow(ReadModelInUseError);

    const status = await fetch(`${harness.baseUrl}/v1/status`);
    expect(status.status).toBe(200);
  });

  it('releases what it opened when it cannot listen, so that a later start succeeds', async () => {
    await harness.stop();
    // 192.0.2.1 (TEST-NET-1) is on no interface here: listening there fails after the ledger opened.
    const unbindable = loadConfig({
      DATA_DIR: harness.dataDir,
      PORT: '0',
      HOST: '192.0.2.1',
      LOG_LEVEL: 'silent',
    });
    await expect(
      startService(unbindable, createLogger('silent'), { simulationWorkerScript: builtSimulationWorker() }),
    ).rejects.toThrow(/EADDRNOTAVAIL/);

    const restarted = await startService(configFor(0), createLogger('silent'), {
      simulationWorkerScript: builtSimulationWorker(),
    });
    const status = await fetch(`http://127.0.0.1:${String(restarted.port)}/v1/status`);
    expect(status.status).toBe(200);
    await restarted.close();
  });
});
