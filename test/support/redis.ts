/**
 * Redis for tests: suites that need it run when a Redis answers and are skipped (saying so) when
 * none does, except on CI, where a missing Redis must fail the build instead of hiding tests.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { createClient } from 'redis';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A short-lived client that gives up at once instead of reconnecting. */
async function withClient<T>(use: (client: ReturnType<typeof createClient>) => Promise<T>): Promise<T> {
  const client = createClient({ url: redisUrl, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on('error', () => {});
  await client.connect();
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

export async function redisAvailable(): Promise<boolean> {
  try {
    return (await withClient((client) => client.ping())) === 'PONG';
  } catch {
    return false;
  }
}

const available = await redisAvailable();
const prefixesInUse: string[] = [];

/** A key prefix of its own for one test, so tests never see each other's keys. */
export function uniquePrefix(): string {
  const prefix = `mhb-test:${randomUUID()}:`;
  prefixesInUse.push(prefix);
  return prefix;
}

/** Deletes every key below the prefixes handed out so far (they expire anyway; this keeps Redis tidy). */
export async function deleteTestKeys(): Promise<void> {
  const prefixes = prefixesInUse.splice(0);
  if (prefixes.length === 0) return;
  await withClient(async (client) => {
    for (const prefix of prefixes) {
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
        if (keys.length > 0) await client.del(keys);
      }
    }
  });
}

/** `describe` for suites that need Redis; cleans up the keys of uniquePrefix() after the suite. */
export function describeRedis(name: string, fn: () => void): void {
  const suite = (): void => {
    if (!available) {
      // Only reached on CI: one clear cause instead of every test timing out on its own.
      beforeAll(() => {
        throw new Error(`no Redis at ${redisUrl} (set REDIS_URL or start redis-server)`);
      });
    } else {
      afterAll(deleteTestKeys);
    }
    fn();
  };
  if (available || process.env.CI === 'true') {
    describe(name, suite);
  } else {
    console.warn(`skipping ${name}: no Redis at ${redisUrl} (set REDIS_URL or start redis-server)`);
    describe.skip(name, suite);
  }
}
