import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { TelegramDouble } from './telegram-double.js';

/** A shared secret so that several test instances accept each other's tokens. */
export const TEST_SECRET = 'test-secret-key-that-is-long-enough-0123456789';

/** A bot token of BotFather's shape; the Bot API double accepts any. */
export const TEST_BOT_TOKEN = `123456:${'A'.repeat(35)}`;

type TestServerOptions = { contentDir?: string; logTo?: { write(line: string): void } };

/** Starts the real server on a free port of 127.0.0.1, with settings for tests. */
export async function startTestServer(env: Record<string, string | undefined> = {}, options: TestServerOptions = {}): Promise<App> {
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SECRET_KEY: TEST_SECRET,
    ...env,
  });
  return startApp(config, { logger: createLogger(env.LOG_LEVEL ?? 'silent', options.logTo), contentDir: options.contentDir });
}

/** The app on Telegram, and the Bot API double it talks to; `close` stops the app, then the double. */
export interface TelegramTestServer {
  app: App;
  double: TelegramDouble;
  close(): Promise<void>;
}

/**
 * Starts a Bot API double, then the app (as `startTestServer`) on Telegram through it: long polling,
 * or with `webhook` the webhook at `webhook.url` (by default https://example.org/telegram/hook)
 * checking `webhook.secret`.
 */
export async function startTelegramTestServer(
  env: Record<string, string | undefined> = {},
  options: TestServerOptions & { webhook?: { url?: string; secret: string } } = {},
): Promise<TelegramTestServer> {
  const { webhook, ...serverOptions } = options;
  const double = await TelegramDouble.start();
  try {
    const app = await startTestServer(
      {
        TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
        TELEGRAM_API_ROOT: double.url,
        ...(webhook && { TELEGRAM_WEBHOOK_URL: webhook.url ?? 'https://example.org/telegram/hook', TELEGRAM_WEBHOOK_SECRET: webhook.secret }),
        ...env,
      },
      serverOptions,
    );
    return {
      app,
      double,
      async close() {
        await app.close();
        await double.close();
      },
    };
  } catch (error) {
    await double.close();
    throw error;
  }
}
