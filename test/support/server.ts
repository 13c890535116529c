import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

/** A shared secret so that several test instances accept each other's tokens. */
export const TEST_SECRET = 'test-secret-key-that-is-long-enough-0123456789';

/** Starts the real server on a free port of 127.0.0.1, with settings for tests. */
export async function startTestServer(
  env: Record<string, string | undefined> = {},
  options: { contentDir?: string; logTo?: { write(line: string): void } } = {},
): Promise<App> {
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
