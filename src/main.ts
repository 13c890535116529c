import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';

/** Entry point: configuration, start, and a graceful stop on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (config.secretKeyIsEphemeral) {
    logger.warn('SECRET_KEY is not set: using a random key, so web chat tokens end when the process stops');
  }
  const app = await startApp(config, { logger });
  logger.info({ url: app.url, store: app.store.kind, telegram: Boolean(config.telegram) }, 'listening');

  // Editors change files in content/ and send SIGHUP: the bot takes the new content, or keeps the
  // last good one and logs what is wrong.
  process.on('SIGHUP', () => void app.reloadContent());

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`Startup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
