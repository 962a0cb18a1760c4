import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createApp } from './app';
import type { Config } from './config/config';
import { EventConsumer } from './consumer/event.consumer';
import { EmbeddedIdentityIssuer } from './identity/embedded.identities';
import { readIdentitiesFile, writeStarterIdentities, type IdentityEntry } from './identity/identity.file';
import { TokenAuthenticator } from './identity/token.authenticator';
import { EmbeddedLedger } from './ledger/embedded/embedded.ledger';
import type { LedgerPort } from './ledger/ledger.port';
import { SqliteReadModel } from './read-model/sqlite.read-model';

/**
 * Wires the service from its configuration: ledger, identities, read model, event consumer and
 * HTTP app; listens; and returns a handle that shuts everything down in order.
 */
export interface RunningService {
  readonly server: Server;
  readonly ledger: LedgerPort;
  readonly consumer: EventConsumer;
  /** The bound port (useful when configured as 0). */
  readonly port: number;
  close(): Promise<void>;
}

function identityEntries(config: Config, logger: Logger): IdentityEntry[] {
  if (existsSync(config.identitiesFile)) return readIdentitiesFile(config.identitiesFile);
  if (config.identitiesFileExplicit || config.ledger !== 'embedded') {
    return readIdentitiesFile(config.identitiesFile); // throws a clear error naming the file
  }
  const entries = writeStarterIdentities(config.identitiesFile);
  logger.info(
    {
      identitiesFile: config.identitiesFile,
      identities: entries.map((e) => ({ name: e.name, role: e.role, companyId: e.companyId })),
    },
    'wrote a starter identities file with fresh API tokens; send one as "Authorization: Bearer <token>"',
  );
  return entries;
}

/** Starts the service. */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  if (config.ledger !== 'embedded') {
    throw new Error('LEDGER=fabric needs the Fabric adapter, which is not part of this build yet');
  }
  mkdirSync(config.dataDir, { recursive: true });
  const entries = identityEntries(config, logger);
  const issuer = new EmbeddedIdentityIssuer();
  const auth = new TokenAuthenticator(
    entries.map((entry, index) => ({ entry, ledger: issuer.issue(entry, index) })),
  );
  const system = issuer.system();

  const ledger = await EmbeddedLedger.open({
    dataDir: config.dataDir,
    blockMaxTransactions: config.block.maxTransactions,
    blockTimeoutMs: config.block.timeoutMs,
    synchronous: config.sqliteSynchronous,
  });
  const readModel = SqliteReadModel.open(path.join(config.dataDir, 'read-model.sqlite'));
  const consumer = new EventConsumer({ ledger, readModel, system, logger });
  consumer.start();

  const app = createApp({ ledger, auth, readModel, logger, system, resolverBase: config.resolverBase });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => {
      resolve(s);
    });
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { host: config.host, port, ledger: ledger.kind, dataDir: config.dataDir, identities: auth.size },
    'food-inspection gateway listening',
  );

  return {
    server,
    ledger,
    consumer,
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      await consumer.stop();
      await ledger.close();
      readModel.close();
    },
  };
}
