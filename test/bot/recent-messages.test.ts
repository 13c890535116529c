import { describe, expect, it } from 'vitest';
import { isTypedText, RecentMessages } from '../../src/bot/recent-messages.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import type { Store } from '../../src/store/store.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';

function recentMessagesSuite(open: () => Promise<Store>): void {
  it('keeps only the last five things typed, for half an hour after the last', async () => {
    const store = await open();
    const recent = new RecentMessages(store);
    for (let i = 1; i <= 7; i++) await recent.remember('conv1', `message ${i}`);
    expect(await recent.read('conv1')).toEqual(['message 3', 'message 4', 'message 5', 'message 6', 'message 7']);
    const [key] = await store.keysContaining('conv1');
    // Nothing older is stored, not only not shown.
    expect(await store.readList(key!)).toHaveLength(5);
    expect(await store.ttl(key!)).toBeGreaterThan(25 * 60);
    expect(await store.ttl(key!)).toBeLessThanOrEqual(30 * 60);
    expect(await recent.read('another')).toEqual([]);
    await store.close();
  });
}

describe('RecentMessages in memory', () => recentMessagesSuite(async () => new MemoryStore()));

describeRedis('RecentMessages on Redis', () =>
  recentMessagesSuite(async () => {
    const store = new RedisStore({ url: redisUrl, keyPrefix: uniquePrefix() });
    await store.connect();
    return store;
  }),
);

describe('isTypedText', () => {
  it.each([
    ['my boss took my passport', true],
    ['Where can I sleep tonight?', true],
    ['menu:rights', false],
    ['topic:rights.work', false],
    ['/menu', false],
    ['/forget', false],
  ])('%s → %s', (text, typed) => expect(isTypedText(text)).toBe(typed));
});
