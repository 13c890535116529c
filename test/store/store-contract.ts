/**
 * The behaviour every Store must have, run against each implementation, so the bot behaves the
 * same on one process in memory and on many instances sharing Redis.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EtagConflictError, LockTimeoutError } from '../../src/store/store.js';
import type { AppendedNotice, Store } from '../../src/store/store.js';

/** Collects what a subscription receives. */
export async function listen(store: Store, channel: string): Promise<{ received: string[]; stop: () => Promise<void> }> {
  const received: string[] = [];
  const stop = await store.subscribe(channel, (message) => received.push(message));
  return { received, stop };
}

/** Runs `workers` concurrent critical sections and reports the most that ever overlapped. */
export async function contend(
  lockers: Array<Store>,
  workers: number,
): Promise<{ maxInside: number; finished: number[] }> {
  let inside = 0;
  let maxInside = 0;
  const finished: number[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      const store = lockers[worker % lockers.length]!;
      const release = await store.lock('critical', { leaseMs: 5000, waitMs: 10_000 });
      inside++;
      maxInside = Math.max(maxInside, inside);
      await sleep(15);
      finished.push(worker);
      inside--;
      await release();
    }),
  );
  return { maxInside, finished };
}

export function storeContract(makeStore: () => Promise<Store>): void {
  let store: Store;
  beforeEach(async () => {
    store = await makeStore();
  });
  afterEach(async () => {
    await store.close();
  });

  describe('items', () => {
    it('answers undefined for a missing key', async () => {
      expect(await store.get('missing')).toBeUndefined();
    });

    it('round-trips JSON values and never hands out the written object', async () => {
      const value = { name: 'Ana', steps: [1, 2], nested: { ok: true, none: null } };
      const etag = await store.set('item:1', value, { ttlSeconds: 60 });
      value.steps.push(3);
      const read = await store.get<typeof value>('item:1');
      expect(read).toEqual({ value: { name: 'Ana', steps: [1, 2], nested: { ok: true, none: null } }, etag });
      read!.value.steps.push(4);
      expect((await store.get<typeof value>('item:1'))?.value.steps).toEqual([1, 2]);
      await store.set('item:2', 'just a string', { ttlSeconds: 60 });
      expect((await store.get('item:2'))?.value).toBe('just a string');
    });

    it('reads many keys in the order asked', async () => {
      await store.set('a', 1, { ttlSeconds: 60 });
      await store.set('c', 3, { ttlSeconds: 60 });
      const items = await store.getMany<number>(['c', 'b', 'a']);
      expect(items.map((item) => item?.value)).toEqual([3, undefined, 1]);
      expect(await store.getMany([])).toEqual([]);
    });

    it('writes unconditionally without ifEtag, with a new etag each time', async () => {
      const first = await store.set('k', 1, { ttlSeconds: 60 });
      const second = await store.set('k', 2, { ttlSeconds: 60 });
      expect(second).not.toBe(first);
      expect(await store.get('k')).toEqual({ value: 2, etag: second });
    });

    it('compare-and-set: writes with the current etag, rejects a stale one', async () => {
      const first = await store.set('k', 'v1', { ttlSeconds: 60 });
      const second = await store.set('k', 'v2', { ttlSeconds: 60, ifEtag: first });
      await expect(store.set('k', 'lost update', { ttlSeconds: 60, ifEtag: first })).rejects.toBeInstanceOf(
        EtagConflictError,
      );
      expect(await store.get('k')).toEqual({ value: 'v2', etag: second });
    });

    it('compare-and-set on a missing key is a conflict', async () => {
      await expect(store.set('k', 1, { ttlSeconds: 60, ifEtag: 'some-etag' })).rejects.toBeInstanceOf(
        EtagConflictError,
      );
      expect(await store.get('k')).toBeUndefined();
    });

    it('ifEtag null creates only if absent', async () => {
      const etag = await store.set('k', 'first', { ttlSeconds: 60, ifEtag: null });
      await expect(store.set('k', 'second', { ttlSeconds: 60, ifEtag: null })).rejects.toBeInstanceOf(
        EtagConflictError,
      );
      expect(await store.get('k')).toEqual({ value: 'first', etag });
    });

    it('only one of many concurrent creators wins', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => store.set('once', i, { ttlSeconds: 60, ifEtag: null })),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    });

    it('deletes items, counters and logs; missing keys are no error', async () => {
      await store.set('x:item', 1, { ttlSeconds: 60 });
      await store.increment('x:counter', 1, { ttlSeconds: 60 });
      await store.append('x:log', 'entry', { ttlSeconds: 60 });
      await store.delete(['x:item', 'x:counter', 'x:log', 'x:missing']);
      await store.delete([]);
      expect(await store.get('x:item')).toBeUndefined();
      expect(await store.keys('x:')).toEqual([]);
      expect(await store.readLog('x:log', 0)).toEqual([]);
      expect(await store.append('x:log', 'again', { ttlSeconds: 60 })).toBe(1);
    });

    it('lists every key below a prefix, and only those', async () => {
      await store.set('conv:1:state', 1, { ttlSeconds: 60 });
      await store.increment('conv:1:count', 1, { ttlSeconds: 60 });
      await store.append('conv:1:log', 'x', { ttlSeconds: 60 });
      await store.set('conv:10:state', 1, { ttlSeconds: 60 });
      await store.set('user:1', 1, { ttlSeconds: 60 });
      const release = await store.lock('conv:1:turn', { leaseMs: 5000, waitMs: 0 });
      expect((await store.keys('conv:1:')).sort()).toEqual(['conv:1:count', 'conv:1:log', 'conv:1:state']);
      expect((await store.keys('')).sort()).toEqual([
        'conv:10:state',
        'conv:1:count',
        'conv:1:log',
        'conv:1:state',
        'user:1',
      ]);
      expect(await store.keys('nothing:')).toEqual([]);
      await release();
    });

    it('clears a log and numbers on from where it was', async () => {
      await store.append('c:log', 'a', { ttlSeconds: 60 });
      await store.append('c:log', 'b', { ttlSeconds: 60 });
      await store.clearLog('c:log');
      expect(await store.readLog('c:log', 0)).toEqual([]);
      expect(await store.append('c:log', 'c', { ttlSeconds: 60 })).toBe(3);
      expect(await store.readLog('c:log', 2)).toEqual([{ seq: 3, value: 'c' }]);
      await store.clearLog('never:written');
    });

    it('finds every key that contains a fragment anywhere, glob characters taken literally', async () => {
      await store.set('dl:log:abc123', 1, { ttlSeconds: 60 });
      await store.set('directline/conversations/abc123/', 1, { ttlSeconds: 60 });
      await store.increment('rate:abc123:5', 1, { ttlSeconds: 60 });
      await store.set('dl:log:other', 1, { ttlSeconds: 60 });
      await store.set('x*y', 1, { ttlSeconds: 60 });
      expect((await store.keysContaining('abc123')).sort()).toEqual(['directline/conversations/abc123/', 'dl:log:abc123', 'rate:abc123:5']);
      expect(await store.keysContaining('*')).toEqual(['x*y']);
    });

    it('treats glob characters in a prefix literally', async () => {
      await store.set('a*b', 1, { ttlSeconds: 60 });
      await store.set('axb', 1, { ttlSeconds: 60 });
      expect(await store.keys('a*')).toEqual(['a*b']);
    });

    it('refuses writes without a positive retention', async () => {
      for (const ttlSeconds of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(store.set('k', 1, { ttlSeconds })).rejects.toBeInstanceOf(RangeError);
        await expect(store.increment('k', 1, { ttlSeconds })).rejects.toBeInstanceOf(RangeError);
        await expect(store.append('k', 1, { ttlSeconds })).rejects.toBeInstanceOf(RangeError);
      }
      expect(await store.keys('')).toEqual([]);
    });
  });

  describe('retention', () => {
    it('every write sets the retention it was given, also when shortening it', async () => {
      expect(await store.ttl('missing')).toBe(-2);

      await store.set('item', 1, { ttlSeconds: 600 });
      expect(await store.ttl('item')).toBeGreaterThan(590);
      const etag = await store.set('item', 2, { ttlSeconds: 30 });
      expect(await store.ttl('item')).toBeLessThanOrEqual(30);
      await store.set('item', 3, { ttlSeconds: 300, ifEtag: etag });
      expect(await store.ttl('item')).toBeGreaterThan(290);

      await store.increment('counter', 1, { ttlSeconds: 600 });
      await store.increment('counter', 1, { ttlSeconds: 30 });
      expect(await store.ttl('counter')).toBeLessThanOrEqual(30);
      expect(await store.ttl('counter')).toBeGreaterThan(20);

      await store.append('log', 'a', { ttlSeconds: 600 });
      await store.append('log', 'b', { ttlSeconds: 30 });
      expect(await store.ttl('log')).toBeLessThanOrEqual(30);
      expect(await store.ttl('log')).toBeGreaterThan(20);
    });

    it('items, counters and logs vanish when their retention ends', async () => {
      await store.set('item', 1, { ttlSeconds: 1 });
      await store.increment('counter', 5, { ttlSeconds: 1 });
      await store.append('log', 'a', { ttlSeconds: 1 });
      await store.set('kept', 1, { ttlSeconds: 60 });
      await sleep(1200);
      expect(await store.get('item')).toBeUndefined();
      expect(await store.ttl('item')).toBe(-2);
      expect(await store.readLog('log', 0)).toEqual([]);
      expect(await store.keys('')).toEqual(['kept']);
      // Everything starts afresh: the counter from 0 and the log from 1.
      expect(await store.increment('counter', 1, { ttlSeconds: 60 })).toBe(1);
      expect(await store.append('log', 'b', { ttlSeconds: 60 })).toBe(1);
      // An expired key counts as absent for create-only writes.
      await store.set('item', 2, { ttlSeconds: 60, ifEtag: null });
    });
  });

  describe('counters', () => {
    it('start at 0 and add up, also negatively', async () => {
      expect(await store.increment('n', 1, { ttlSeconds: 60 })).toBe(1);
      expect(await store.increment('n', 5, { ttlSeconds: 60 })).toBe(6);
      expect(await store.increment('n', -2, { ttlSeconds: 60 })).toBe(4);
      expect(await store.increment('other', 3, { ttlSeconds: 60 })).toBe(3);
    });

    it('are read in the order asked, a missing one as 0, without renewing their retention', async () => {
      await store.increment('a', 2, { ttlSeconds: 600 });
      await store.increment('c', 7, { ttlSeconds: 30 });
      expect(await store.counters(['c', 'b', 'a'])).toEqual([7, 0, 2]);
      expect(await store.counters([])).toEqual([]);
      expect(await store.ttl('c')).toBeLessThanOrEqual(30);
      expect(await store.keys('b')).toEqual([]);
    });

    it('lose no concurrent increments', async () => {
      await Promise.all(Array.from({ length: 20 }, () => store.increment('n', 1, { ttlSeconds: 60 })));
      expect(await store.increment('n', 0, { ttlSeconds: 60 })).toBe(20);
    });
  });

  describe('logs', () => {
    it('number entries from 1 in order and read after a sequence number', async () => {
      const seqs = [];
      for (const value of ['a', { b: 2 }, ['c'], 4]) seqs.push(await store.append('log', value, { ttlSeconds: 60 }));
      expect(seqs).toEqual([1, 2, 3, 4]);
      expect(await store.readLog('log', 0)).toEqual([
        { seq: 1, value: 'a' },
        { seq: 2, value: { b: 2 } },
        { seq: 3, value: ['c'] },
        { seq: 4, value: 4 },
      ]);
      expect((await store.readLog('log', 2)).map((entry) => entry.seq)).toEqual([3, 4]);
      expect(await store.readLog('log', 4)).toEqual([]);
      expect(await store.readLog('missing', 0)).toEqual([]);
    });

    it('reads at most `limit` entries, oldest first', async () => {
      for (let i = 1; i <= 5; i++) await store.append('log', i, { ttlSeconds: 60 });
      expect((await store.readLog('log', 1, 2)).map((entry) => entry.seq)).toEqual([2, 3]);
    });

    it('keep separate numbering per log and dense numbering under concurrency', async () => {
      const seqs = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append('log', i, { ttlSeconds: 60 })));
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await store.append('other', 'x', { ttlSeconds: 60 })).toBe(1);
      const entries = await store.readLog<number>('log', 0);
      expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      // Each entry is stored under the number its append returned.
      for (const entry of entries) expect(seqs[entry.value]).toBe(entry.seq);
    });

    it('append several entries in one step, numbered on from the last', async () => {
      await store.append('log', 'first', { ttlSeconds: 60 });
      expect(await store.appendAll('log', ['a', { b: 2 }, 3], { ttlSeconds: 60 })).toEqual([2, 3, 4]);
      expect(await store.appendAll('log', [], { ttlSeconds: 60 })).toEqual([]);
      expect((await store.readLog('log', 1)).map((entry) => entry.value)).toEqual(['a', { b: 2 }, 3]);
    });

    it('announce what was appended on a channel, exactly as it reads from the log', async () => {
      const heard = await listen(store, 'news');
      await store.append('log', 'quiet', { ttlSeconds: 60 });
      const seqs = await store.appendAll('log', [{ text: 'héllo "you"\n' }, ['x']], { ttlSeconds: 60, announce: 'news' });
      await store.append('log', { one: 1 }, { ttlSeconds: 60, announce: 'news' });
      await vi.waitFor(() => expect(heard.received).toHaveLength(2));
      const notices = heard.received.map((raw) => JSON.parse(raw) as AppendedNotice);
      expect(notices[0]).toEqual({ type: 'appended', entries: await store.readLog('log', 1, 2) });
      expect(notices[0]!.entries.map((entry) => entry.seq)).toEqual(seqs);
      expect(notices[1]).toEqual({ type: 'appended', entries: [{ seq: 4, value: { one: 1 } }] });
      await heard.stop();
    });

    it('drop the oldest entries beyond maxLength, keeping at least maxLength newest', async () => {
      // Redis trims approximately (whole internal nodes of ~100 entries), so append well beyond that.
      const total = 350;
      const maxLength = 50;
      for (let i = 1; i <= total; i++) await store.append('log', i, { ttlSeconds: 60, maxLength });
      const entries = await store.readLog<number>('log', 0);
      expect(entries.length).toBeGreaterThanOrEqual(maxLength);
      expect(entries.length).toBeLessThan(total);
      const first = entries[0]!.seq;
      expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: total - first + 1 }, (_, i) => first + i));
      expect(entries.map((entry) => entry.value)).toEqual(entries.map((entry) => entry.seq));
      // Numbering goes on after trimming.
      expect(await store.append('log', 'next', { ttlSeconds: 60, maxLength })).toBe(total + 1);
    });
  });

  describe('lists', () => {
    it('keep the newest maxLength items, oldest first, and renew their retention', async () => {
      for (const value of ['a', { b: 2 }, ['c'], 4]) await store.pushToList('list', value, { ttlSeconds: 60, maxLength: 3 });
      expect(await store.readList('list')).toEqual([{ b: 2 }, ['c'], 4]);
      await store.pushToList('list', 'e', { ttlSeconds: 600, maxLength: 3 });
      expect(await store.readList('list')).toEqual([['c'], 4, 'e']);
      expect(await store.ttl('list')).toBeGreaterThan(60);
      expect(await store.readList('missing')).toEqual([]);
      expect(await store.keys('')).toContain('list');
      await store.delete(['list']);
      expect(await store.readList('list')).toEqual([]);
    });

    it('refuse a push without a positive retention', async () => {
      await expect(store.pushToList('list', 1, { ttlSeconds: 0, maxLength: 3 })).rejects.toThrow(RangeError);
    });
  });

  describe('publish/subscribe', () => {
    it('delivers to every subscriber of the channel, and not to other channels', async () => {
      const one = await listen(store, 'chan');
      const two = await listen(store, 'chan');
      const other = await listen(store, 'other');
      await store.publish('nobody-listens', 'lost');
      await store.publish('chan', 'hello');
      await store.publish('chan', 'again');
      await vi.waitFor(() => {
        expect(one.received).toEqual(['hello', 'again']);
        expect(two.received).toEqual(['hello', 'again']);
      });
      expect(other.received).toEqual([]);
      await Promise.all([one.stop(), two.stop(), other.stop()]);
    });

    it('stops delivering after unsubscribe, to that subscription only', async () => {
      const leaving = await listen(store, 'chan');
      const staying = await listen(store, 'chan');
      await leaving.stop();
      await leaving.stop();
      await store.publish('chan', 'after');
      await vi.waitFor(() => expect(staying.received).toEqual(['after']));
      expect(leaving.received).toEqual([]);
      await staying.stop();
    });

    it('treats the same function subscribed twice as two subscriptions', async () => {
      const received: string[] = [];
      const onMessage = (message: string): void => {
        received.push(message);
      };
      const first = await store.subscribe('chan', onMessage);
      const second = await store.subscribe('chan', onMessage);
      await store.publish('chan', 'twice');
      await vi.waitFor(() => expect(received).toEqual(['twice', 'twice']));
      await first();
      await store.publish('chan', 'once');
      await vi.waitFor(() => expect(received).toEqual(['twice', 'twice', 'once']));
      await second();
    });
  });

  describe('locks', () => {
    it('never lets two holders overlap, and every waiter gets its turn', async () => {
      const { maxInside, finished } = await contend([store], 6);
      expect(maxInside).toBe(1);
      expect([...finished].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it('hands the lock to a waiter when the holder releases it', async () => {
      const release = await store.lock('name', { leaseMs: 5000, waitMs: 0 });
      const waiting = store.lock('name', { leaseMs: 5000, waitMs: 5000 });
      await sleep(50);
      await release();
      await release(); // releasing twice is harmless
      const next = await waiting;
      await next();
    });

    it('keeps different names independent', async () => {
      const a = await store.lock('a', { leaseMs: 5000, waitMs: 0 });
      const b = await store.lock('b', { leaseMs: 5000, waitMs: 0 });
      await Promise.all([a(), b()]);
    });

    it('throws LockTimeoutError after waitMs, without blocking later holders', async () => {
      const release = await store.lock('name', { leaseMs: 5000, waitMs: 0 });
      const started = Date.now();
      await expect(store.lock('name', { leaseMs: 5000, waitMs: 150 })).rejects.toBeInstanceOf(LockTimeoutError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(Date.now() - started).toBeLessThan(1000);
      await release();
      const next = await store.lock('name', { leaseMs: 5000, waitMs: 100 });
      await next();
    });

    it('frees the lock when the lease runs out, and a late release does not free the next holder', async () => {
      const abandoned = await store.lock('name', { leaseMs: 200, waitMs: 0 });
      const started = Date.now();
      const next = await store.lock('name', { leaseMs: 5000, waitMs: 5000 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      await abandoned();
      await expect(store.lock('name', { leaseMs: 5000, waitMs: 100 })).rejects.toBeInstanceOf(LockTimeoutError);
      await next();
    });
  });

  it('answers ping', async () => {
    expect(await store.ping()).toBe(true);
  });
}
