import { HttpError } from './errors.js';
import type { Store } from './store/store.js';

/**
 * The one rate limiter: a counter per key and per fixed window (a minute unless said otherwise)
 * in the store, so that every instance sharing Redis counts together. Keys hold pseudonyms only
 * (a keyed hash of an address or a person), never a raw address or id.
 */

/** Counts one more request under `key` in the current window; returns the count so far. */
export async function countRequest(store: Store, key: string, windowSeconds = 60): Promise<number> {
  const window = Math.floor(Date.now() / 1000 / windowSeconds);
  return store.increment(`rate:${key}:${window}`, 1, { ttlSeconds: windowSeconds * 2 });
}

/** Counts the request, and refuses it with 429 and `message` once `limit` were counted in the window. */
export async function limitRate(store: Store, key: string, limit: number, message: string, windowSeconds = 60): Promise<void> {
  if ((await countRequest(store, key, windowSeconds)) > limit) throw new HttpError('TOO_MANY_REQUESTS', message);
}
