import { ConversationState, TestAdapter } from 'botbuilder-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotStorage } from '../../src/bot/bot-storage.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import type { Store } from '../../src/store/store.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';

const ttlSeconds = 120;

/** The botbuilder Storage contract, as BotState and the dialogs rely on it. */
function botStorageContract(makeStore: () => Promise<Store>): void {
  let store: Store;
  let storage: BotStorage;
  beforeEach(async () => {
    store = await makeStore();
    storage = new BotStorage(store, { ttlSeconds });
  });
  afterEach(async () => {
    await store.close();
  });

  it('reads nothing for missing keys', async () => {
    expect(await storage.read(['missing', 'also-missing'])).toEqual({});
    expect(await storage.read([])).toEqual({});
  });

  it('reads back what it wrote, with the current eTag', async () => {
    await storage.write({ a: { count: 1, list: ['x'] }, b: { name: 'b' } });
    const items = await storage.read(['a', 'missing', 'b']);
    expect(Object.keys(items).sort()).toEqual(['a', 'b']);
    expect(items.a).toEqual({ count: 1, list: ['x'], eTag: expect.any(String) });
    expect(items.b).toEqual({ name: 'b', eTag: expect.any(String) });
    expect(items.a.eTag).toBe((await store.get('a'))?.etag);
  });

  it("overwrites unconditionally with eTag '*' or without an eTag", async () => {
    await storage.write({ a: { v: 1 } });
    await storage.write({ a: { v: 2, eTag: '*' } });
    expect((await storage.read(['a'])).a).toMatchObject({ v: 2 });
    await storage.write({ a: { v: 3 } });
    const { a } = await storage.read(['a']);
    expect(a).toMatchObject({ v: 3 });
    // The eTag is the stored version's, never the '*' that was written.
    expect(a.eTag).not.toBe('*');
    expect((await store.get('a'))?.value).toEqual({ v: 3 });
  });

  it('writes with the current eTag and rejects a stale one, saying the item changed', async () => {
    await storage.write({ a: { v: 1 } });
    const first = (await storage.read(['a'])).a;
    await storage.write({ a: { ...first, v: 2 } });
    const second = (await storage.read(['a'])).a;
    expect(second.eTag).not.toBe(first.eTag);
    await expect(storage.write({ a: { ...first, v: 'stale' } })).rejects.toThrow(/changed/);
    expect((await storage.read(['a'])).a).toEqual(second);
  });

  it('rejects a specific eTag for an item that no longer exists', async () => {
    await storage.write({ a: { v: 1 } });
    const item = (await storage.read(['a'])).a;
    await storage.delete(['a']);
    await expect(storage.write({ a: item })).rejects.toThrow(/changed/);
  });

  it('deletes items, and missing keys are no error', async () => {
    await storage.write({ a: { v: 1 }, b: { v: 2 } });
    await storage.delete(['a', 'missing']);
    expect(Object.keys(await storage.read(['a', 'b']))).toEqual(['b']);
  });

  it('gives every written key a retention', async () => {
    await storage.write({ 'conv/1': { v: 1 }, 'user/1': { v: 2 } });
    await storage.write({ 'conv/1': { v: 3, eTag: '*' } });
    for (const key of await store.keys('')) {
      const ttl = await store.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(ttlSeconds);
    }
    expect((await store.keys('')).sort()).toEqual(['conv/1', 'user/1']);
  });

  it('keeps conversation state between turns through ConversationState', async () => {
    const conversationState = new ConversationState(storage);
    const turns = conversationState.createProperty<number>('turns');
    const adapter = new TestAdapter(async (context) => {
      const count = (await turns.get(context, 0)) + 1;
      await turns.set(context, count);
      await context.sendActivity(`turn ${count}`);
      await conversationState.saveChanges(context);
    });
    await adapter.send('hi').assertReply('turn 1').send('again').assertReply('turn 2').startTest();
  });
}

describe('BotStorage on MemoryStore', () => {
  botStorageContract(async () => new MemoryStore());
});

describeRedis('BotStorage on RedisStore', () => {
  botStorageContract(async () => {
    const store = new RedisStore({ url: redisUrl, keyPrefix: uniquePrefix() });
    await store.connect();
    return store;
  });
});
