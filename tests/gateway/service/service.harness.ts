import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../gateway/config/config';
import { readIdentitiesFile } from '../../../gateway/identity/identity.file';
import { createLogger } from '../../../gateway/logging/logger';
import { startService, type RunningService } from '../../../gateway/service';
import { builtSimulationWorker } from '../ledger/embedded/simulation.worker.fixture';
import { tokensFrom, type Tokens } from './scenario.runner';

/** A real service on 127.0.0.1 with the embedded ledger in a temporary data folder. */
export interface Harness {
  readonly baseUrl: string;
  readonly tokens: Tokens;
  readonly dataDir: string;
  readonly service: RunningService;
  /** Stops the service and keeps its data folder (for a restart on the same data). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  env: Record<string, string> = {},
  reuseDataDir?: string,
): Promise<Harness> {
  const dataDir = reuseDataDir ?? mkdtempSync(path.join(os.tmpdir(), 'fic-service-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SQLITE_SYNCHRONOUS: 'NORMAL',
    ...env,
  });
  // With SIMULATION_WORKERS set, the contract runs in a worker thread started from the build.
  const service = await startService(config, createLogger('silent'), {
    simulationWorkerScript: builtSimulationWorker(),
  });
  const tokens = tokensFrom(readIdentitiesFile(config.identitiesFile));
  let stopped = false;
  return {
    baseUrl: `http://127.0.0.1:${String(service.port)}`,
    tokens,
    dataDir,
    service,
    async stop() {
      if (stopped) return;
      stopped = true;
      await service.close();
    },
    async close() {
      if (!stopped) await service.close();
      stopped = true;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
