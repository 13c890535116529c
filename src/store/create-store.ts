/**
 * Chooses the Store at start-up: Redis when REDIS_URL is configured (needed as soon as more than one
 * instance runs), process memory otherwise.
 */
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';
import type { Store } from './store.js';

export interface CreateStoreOptions {
  redisUrl?: string;
  keyPrefix?: string;
  /** Hears Redis connection errors after start-up, e.g. for logging. */
  onError?: (error: Error) => void;
  /** How long to wait for Redis at start-up (default 5000 ms). */
  connectTimeoutMs?: number;
}

export async function createStore(options: CreateStoreOptions = {}): Promise<Store> {
  const { redisUrl, keyPrefix, onError, connectTimeoutMs = 5000 } = options;
  if (!redisUrl) return new MemoryStore();

  const store = new RedisStore({ url: redisUrl, keyPrefix, onError });
  // The client would retry forever; a misconfigured REDIS_URL should stop the start-up instead.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(resolve, connectTimeoutMs, 'timeout');
  });
  const connecting = store.connect();
  const outcome = await Promise.race([connecting, timeout]).catch((error: unknown) => error);
  clearTimeout(timer);
  if (outcome === undefined) return store;

  // Once closed, the abandoned connection attempt may still settle; nobody is waiting for it.
  connecting.catch(() => {});
  await store.close();
  throw new Error(
    `cannot connect to Redis at REDIS_URL (${redactPassword(redisUrl)}) within ${connectTimeoutMs} ms; ` +
      'check REDIS_URL or unset it to keep state in memory',
    { cause: outcome === 'timeout' ? undefined : outcome },
  );
}

/** The URL goes into logs, its password must not. */
function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable URL';
  }
}
