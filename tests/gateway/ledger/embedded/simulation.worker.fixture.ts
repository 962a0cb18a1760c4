import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The compiled simulation worker. A worker thread runs JavaScript, so suites that run from the
 * TypeScript sources start the build's worker; `npm test` builds before it runs jest.
 */
export function builtSimulationWorker(): string {
  const script = path.resolve(__dirname, '../../../../dist/gateway/ledger/embedded/simulation.worker.js');
  if (!existsSync(script)) {
    throw new Error(`${script} is missing: run "npm run build" before these tests`);
  }
  return script;
}
