import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from 'redis';
import { createStore } from '../../src/store/create-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { EtagConflictError, StoreUnavailableError } from '../../src/store/store.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { contend, listen, storeContract } from './store-contract.js';

async function connectedStore(keyPrefix: string, url = redisUrl): Promise<RedisStore> {
  const store = new RedisStore({ url, keyPrefix });
  await store.connect();
  return store;
}

describeRedis('RedisStore', () => {
  storeContract(() => connectedStore(uniquePrefix()));

  describe('two instances on the same prefix', () => {
    let one: RedisStore;
    let two: RedisStore;
    beforeEach(async () => {
      const prefix = uniquePrefix();
      [one, two] = await Promise.all([connectedStore(prefix), connectedStore(prefix)]);
    });
    afterEach(async () => {
      await Promise.all([one.close(), two.close()]);
    });

    it("see each other's writes and etags", async () => {
      const etag = await one.set('k', { from: 'one' }, { ttlSeconds: 60 });
      expect(await two.get('k')).toEqual({ value: { from: 'one' }, etag });
      await two.set('k', { from: 'two' }, { ttlSeconds: 60, ifEtag: etag });
      await expect(one.set('k', 'stale', { ttlSeconds: 60, ifEtag: etag })).rejects.toBeInstanceOf(EtagConflictError);
      expect(await one.keys('')).toEqual(['k']);
    });

    it('number appends from both densely and in order', async () => {
      const seqs = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).append('log', i, { ttlSeconds: 60 })),
      );
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      const entries = await one.readLog<number>('log', 0);
      expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      for (const entry of entries) expect(seqs[entry.value]).toBe(entry.seq);
    });

    it('exclude each other with the lock', async () => {
      const { maxInside, finished } = await contend([one, two], 6);
      expect(maxInside).toBe(1);
      expect(finished).toHaveLength(6);
    });

    it("hear each other's messages", async () => {
      const onTwo = await listen(two, 'chan');
      const onOne = await listen(one, 'chan');
      await one.publish('chan', 'from one');
      await two.publish('chan', 'from two');
      await vi.waitFor(() => {
        expect(onTwo.received).toEqual(['from one', 'from two']);
        expect(onOne.received).toEqual(['from one', 'from two']);
      });
      await Promise.all([onOne.stop(), onTwo.stop()]);
    });
  });

  it('isolates instances on different prefixes', async () => {
    const [one, two] = await Promise.all([connectedStore(uniquePrefix()), connectedStore(uniquePrefix())]);
    await one.set('k', 1, { ttlSeconds: 60 });
    const onTwo = await listen(two, 'chan');
    const onOne = await listen(one, 'chan');
    await one.publish('chan', 'private');
    await vi.waitFor(() => expect(onOne.received).toEqual(['private']));
    expect(onTwo.received).toEqual([]);
    expect(await two.get('k')).toBeUndefined();
    expect(await two.keys('')).toEqual([]);
    await Promise.all([onOne.stop(), onTwo.stop()]);
    await Promise.all([one.close(), two.close()]);
  });

  it('leaves no key in Redis without a retention', async () => {
    const prefix = uniquePrefix();
    const store = await connectedStore(prefix);
    await store.set('item', 1, { ttlSeconds: 60 });
    await store.increment('counter', 1, { ttlSeconds: 60 });
    await store.append('log', 1, { ttlSeconds: 60, maxLength: 10 });
    await store.pushToList('list', 1, { ttlSeconds: 60, maxLength: 10 });
    const release = await store.lock('lock', { leaseMs: 5000, waitMs: 0 });

    const raw = createClient({ url: redisUrl });
    await raw.connect();
    const keys: string[] = [];
    for await (const batch of raw.scanIterator({ MATCH: `${prefix}*` })) keys.push(...batch);
    expect(keys).toHaveLength(5);
    for (const key of keys) expect(await raw.pTTL(key)).toBeGreaterThan(0);
    raw.destroy();
    await release();
    await store.close();
  });

  it('fails fast with StoreUnavailableError while Redis is unreachable, and recovers by itself', async () => {
    const proxy = await startProxy();
    const store = await connectedStore(uniquePrefix(), `redis://127.0.0.1:${proxy.port}`);
    await store.set('k', 'before', { ttlSeconds: 60 });
    const subscription = await listen(store, 'chan');

    await proxy.close();
    const started = Date.now();
    await expect(store.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.set('k', 'during', { ttlSeconds: 60 })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.lock('name', { leaseMs: 1000, waitMs: 1000 })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.subscribe('chan', () => {})).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.ping()).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);

    const restarted = await startProxy(proxy.port);
    await vi.waitFor(async () => expect(await store.ping()).toBe(true), { timeout: 10_000, interval: 100 });
    expect((await store.get('k'))?.value).toBe('before');
    // The subscription made before the outage is renewed after reconnecting.
    await vi.waitFor(
      async () => {
        await store.publish('chan', 'back');
        expect(subscription.received).toContain('back');
      },
      { timeout: 10_000, interval: 100 },
    );
    await subscription.stop();
    await store.close();
    await restarted.close();
  });

  it('fails an operation Redis does not answer within the command timeout, and carries on once it answers again', async () => {
    const proxy = await startProxy();
    const store = new RedisStore({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: uniquePrefix(), commandTimeoutMs: 300 });
    await store.connect();
    await store.set('k', 'before', { ttlSeconds: 60 });

    proxy.freeze(true);
    const started = Date.now();
    await expect(store.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.append('log', 1, { ttlSeconds: 60 })).rejects.toBeInstanceOf(StoreUnavailableError);
    const waited = Date.now() - started;
    // Each failed after about the timeout (checked a few times per period), not at once and not never.
    expect(waited).toBeGreaterThanOrEqual(2 * 300);
    expect(waited).toBeLessThan(2 * 300 * 1.5 + 500);

    proxy.freeze(false);
    // The answers held back meanwhile arrive late and are ignored; new commands are answered again.
    await vi.waitFor(async () => expect((await store.get('k'))?.value).toBe('before'), { timeout: 5000, interval: 100 });
    await store.close();
    await proxy.close();
  });

  it('runs its scripts again after Redis forgot them (SCRIPT FLUSH, as after a restart)', async () => {
    const store = await connectedStore(uniquePrefix());
    await store.set('k', 1, { ttlSeconds: 60 });
    const raw = createClient({ url: redisUrl });
    await raw.connect();
    await raw.scriptFlush();
    raw.destroy();
    const etag = await store.set('k', 2, { ttlSeconds: 60 });
    expect(await store.get('k')).toEqual({ value: 2, etag });
    expect(await store.append('log', 'x', { ttlSeconds: 60 })).toBe(1);
    await store.close();
  });

  it('createStore connects to Redis when given a URL', async () => {
    const store = await createStore({ redisUrl, keyPrefix: uniquePrefix() });
    expect(store.kind).toBe('redis');
    expect(await store.ping()).toBe(true);
    await store.close();
  });
});

describe('createStore', () => {
  it('keeps state in memory without a Redis URL', async () => {
    const store = await createStore({});
    expect(store.kind).toBe('memory');
    await store.close();
  });

  it('names REDIS_URL, without its password, when Redis cannot be reached', async () => {
    const started = Date.now();
    const failing = createStore({ redisUrl: 'redis://user:secret@127.0.0.1:1', connectTimeoutMs: 500 });
    await expect(failing).rejects.toThrow(/REDIS_URL/);
    await expect(failing).rejects.not.toThrow(/secret/);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

/** A TCP relay to the test Redis that can be cut and restored, to simulate an outage. */
/**
 * A TCP proxy in front of Redis that can be closed (Redis unreachable) or frozen (connections stay
 * open but nothing moves, as when Redis hangs or the network stalls; it all flows again on thawing).
 */
async function startProxy(port = 0): Promise<{ port: number; close: () => Promise<void>; freeze: (frozen: boolean) => void }> {
  const target = new URL(redisUrl);
  const sockets = new Set<net.Socket>();
  let frozen = false;
  const server = net.createServer((incoming) => {
    const outgoing = net.connect(Number(target.port || 6379), target.hostname);
    for (const socket of [incoming, outgoing]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        incoming.destroy();
        outgoing.destroy();
      });
    }
    incoming.pipe(outgoing).pipe(incoming);
    if (frozen) for (const socket of [incoming, outgoing]) socket.pause();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
    freeze: (value) => {
      frozen = value;
      for (const socket of sockets) {
        if (value) socket.pause();
        else socket.resume();
      }
    },
  };
}
