import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../gateway/config/config';
import { readIdentitiesFile } from '../../gateway/identity/identity.file';
import { createLogger } from '../../gateway/logging/logger';
import { startService, type RunningService } from '../../gateway/service';
import { tokensFrom, type Tokens } from '../gateway/service/scenario.runner';

/**
 * The service on the real Fabric network that `network/up.sh` started: the same HTTP surface as
 * the embedded harness, so the scenario table runs unchanged.
 */
export const NETWORK_RUN = path.resolve(__dirname, '../../network/run');
export const GATEWAY_CONFIG = path.join(NETWORK_RUN, 'gateway.json');
export const IDENTITIES = path.join(NETWORK_RUN, 'identities.json');

export function networkIsUp(): boolean {
  return existsSync(GATEWAY_CONFIG) && existsSync(IDENTITIES);
}

export interface FabricHarness {
  readonly baseUrl: string;
  readonly tokens: Tokens;
  readonly dataDir: string;
  readonly service: RunningService;
  /** Stops the service, keeping its read model (for a restart). */
  stop(): Promise<void>;
  /** Stops and removes the read model. */
  close(): Promise<void>;
}

export async function startFabricService(
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'fic-fabric-')),
): Promise<FabricHarness> {
  const config = loadConfig({
    LEDGER: 'fabric',
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.FIC_TEST_LOG_LEVEL ?? 'silent',
    IDENTITIES_FILE: IDENTITIES,
    FABRIC_GATEWAY_CONFIG: GATEWAY_CONFIG,
  });
  const service = await startService(config, createLogger(config.logLevel));
  const tokens = tokensFrom(readIdentitiesFile(IDENTITIES));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await service.close();
  };
  return {
    baseUrl: `http://127.0.0.1:${String(service.port)}`,
    tokens,
    dataDir,
    service,
    stop,
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
