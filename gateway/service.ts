import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { createApp } from './app';
import { defaultResolverBase, type Config } from './config/config';
import { EventConsumer } from './consumer/event.consumer';
import { trackForShutdown } from './http/graceful.shutdown';
import { EmbeddedIdentityIssuer } from './identity/embedded.identities';
import { readIdentitiesFile, writeStarterIdentities, type IdentityEntry } from './identity/identity.file';
import { TokenAuthenticator } from './identity/token.authenticator';
import { EmbeddedLedger } from './ledger/embedded/embedded.ledger';
import type { LedgerIdentity, LedgerPort } from './ledger/ledger.port';
import { readFabricGatewayConfig } from './ledger/fabric/fabric.config';
import { FabricLedger } from './ledger/fabric/fabric.ledger';
import type { Principal } from './identity/principal';
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

interface LedgerSetup {
  readonly ledger: LedgerPort;
  readonly auth: TokenAuthenticator;
  readonly system: Principal;
}

/** What the composition root may be handed besides the configuration. */
export interface ServiceOptions {
  /**
   * The compiled simulation worker script of the embedded ledger; by default the one built beside
   * the ledger module (tests that run from the TypeScript sources point at the build).
   */
  readonly simulationWorkerScript?: string;
}

/** The embedded ledger: the gateway issues every identity's certificate itself. */
async function embeddedSetup(
  config: Config,
  entries: readonly IdentityEntry[],
  options: ServiceOptions,
): Promise<LedgerSetup> {
  const issuer = new EmbeddedIdentityIssuer();
  const auth = new TokenAuthenticator(
    entries.map((entry, index) => ({ entry, ledger: issuer.issue(entry, index) })),
  );
  const ledger = await EmbeddedLedger.open({
    dataDir: config.dataDir,
    blockMaxTransactions: config.block.maxTransactions,
    blockTimeoutMs: config.block.timeoutMs,
    synchronous: config.sqliteSynchronous,
    simulationWorkers: config.simulationWorkers,
    ...(options.simulationWorkerScript === undefined
      ? {}
      : { simulationWorkerScript: options.simulationWorkerScript }),
  });
  return { ledger, auth, system: issuer.system() };
}

function walletIdentity(
  label: string,
  wallet: { mspId: string; certificateFile: string; privateKeyFile: string },
): LedgerIdentity {
  return {
    label,
    mspId: wallet.mspId,
    certificate: readFileSync(wallet.certificateFile, 'utf8'),
    privateKey: readFileSync(wallet.privateKeyFile, 'utf8'),
  };
}

/** Fabric: every identity signs with the key enrolled for it (its wallet entry). */
function fabricSetup(config: Config, entries: readonly IdentityEntry[]): LedgerSetup {
  const fabric = readFabricGatewayConfig(config.fabricGatewayConfig);
  const auth = new TokenAuthenticator(
    entries.map((entry) => {
      if (!entry.wallet)
        throw new Error(`identity "${entry.name}" has no wallet entry, which LEDGER=fabric needs`);
      // Wallet paths in the identities file are relative to that file.
      const base = path.dirname(config.identitiesFile);
      const wallet = {
        mspId: entry.wallet.mspId,
        certificateFile: path.resolve(base, entry.wallet.certificateFile),
        privateKeyFile: path.resolve(base, entry.wallet.privateKeyFile),
      };
      return { entry, ledger: walletIdentity(entry.name, wallet) };
    }),
  );
  const systemLedger = walletIdentity('gateway-system', fabric.system);
  const system: Principal = {
    name: 'gateway (system)',
    org: 'regulator',
    role: 'regulator',
    ledger: systemLedger,
  };
  return { ledger: new FabricLedger(fabric, systemLedger), auth, system };
}

/** Starts the service. */
export async function startService(
  config: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<RunningService> {
  mkdirSync(config.dataDir, { recursive: true });
  // First, so that a second gateway on the same data folder is refused before it opens the ledger.
  const readModel = SqliteReadModel.open(path.join(config.dataDir, 'read-model.sqlite'));
  // What was opened before a failure to start, to be closed again.
  const opened: { ledger?: LedgerPort; consumer?: EventConsumer } = {};
  try {
    const entries = identityEntries(config, logger);
    const { ledger, auth, system } =
      config.ledger === 'embedded'
        ? await embeddedSetup(config, entries, options)
        : fabricSetup(config, entries);
    opened.ledger = ledger;
    const consumer = new EventConsumer({ ledger, readModel, system, logger });
    opened.consumer = consumer;
    consumer.start();

    const server = createServer();
    const closeServer = trackForShutdown(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    // The app is attached once the port is known (PORT=0 picks one), so that QR codes name it.
    const resolverBase = config.resolverBase ?? defaultResolverBase(config.host, port);
    server.on('request', createApp({ ledger, auth, readModel, logger, system, resolverBase }));
    logger.info(
      {
        host: config.host,
        port,
        resolverBase,
        ledger: ledger.kind,
        dataDir: config.dataDir,
        identities: auth.size,
      },
      'food-inspection gateway listening',
    );

    return {
      server,
      ledger,
      consumer,
      port,
      async close() {
        await closeServer(config.shutdownGraceMs);
        await consumer.stop();
        await ledger.close();
        readModel.close();
      },
    };
  } catch (error: unknown) {
    await opened.consumer?.stop();
    await opened.ledger?.close();
    readModel.close();
    throw error;
  }
}
