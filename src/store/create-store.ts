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
  try {
    await store.connect(connectTimeoutMs);
  } catch (error) {
    // A misconfigured REDIS_URL should stop the start-up with a message that says what to fix.
    throw new Error(
      `cannot connect to Redis at REDIS_URL (${redactPassword(redisUrl)}) within ${connectTimeoutMs} ms; ` +
        "check REDIS_URL, or unset it to keep state in this process's memory",
      { cause: error },
    );
  }
  return store;
}

/** The URL goes into logs; its password must not. */
function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable URL';
  }
}
