/**
 * The service's entry point (`npm start`). fabric-contract-api logs every decorator at info
 * level when it loads, so its level is set before anything that loads it; then the service is
 * wired from the environment, and SIGTERM / SIGINT shut it down cleanly: requests in flight are
 * answered (for up to SHUTDOWN_GRACE_MS), then the consumer and the ledger stop. A second signal
 * exits at once, which the ledger survives as it survives a kill.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'error';

async function main(): Promise<void> {
  const { loadConfig } = await import('./config/config');
  const { createLogger } = await import('./logging/logger');
  const { startService } = await import('./service');
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const service = await startService(config, logger);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for requests in flight');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: answering requests in flight');
    service
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `the service could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
