import { startProofline } from './app.js';
import { ConfigError } from './config/index.js';

/**
 * `pnpm --filter @proofline/server start`: runs the server until SIGTERM/SIGINT, then stops
 * accepting connections, lets requests in flight finish, closes the store and exits 0.
 */
try {
  const server = await startProofline();
  const { logger, config } = server.deps;
  console.log(`proofline listening on ${server.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  // Configuration mistakes end start-up with one line naming the variable.
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  console.error(`proofline: ${message}`);
  process.exit(1);
}
