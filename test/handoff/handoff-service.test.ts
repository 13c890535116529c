import { afterAll, describe, expect, it } from 'vitest';
import { HandoffService, type HandoffCase } from '../../src/handoff/handoff-service.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import type { Store } from '../../src/store/store.js';
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js';

const retention = { queueSeconds: 3600, transcriptSeconds: 3600, auditSeconds: 3600 };

function request(service: HandoffService, key: string, urgent = false) {
  return service.request({
    conversationKey: key,
    channel: 'directline',
    language: 'en',
    urgent,
    shared: {},
    reference: { conversation: { id: key } },
  } satisfies Omit<HandoffCase, 'status' | 'requestedAt' | 'notes' | 'referrals'>);
}

function contract(makeStores: () => Promise<[Store, Store]>) {
  it('orders the queue by urgency, then by waiting time', async () => {
    const [store] = await makeStores();
    let clock = Date.parse('2026-11-25T10:00:00Z');
    const service = new HandoffService(store, retention, () => new Date((clock += 1000)));
    await request(service, 'a');
    await request(service, 'b');
    await request(service, 'c', true);
    expect((await service.queue()).map((c) => c.conversationKey)).toEqual(['c', 'a', 'b']);
    expect(await service.position('b')).toBe(3);
  });

  it('gives one owner when two caseworkers claim at once, on two instances', async () => {
    const [one, two] = await makeStores();
    const first = new HandoffService(one, retention);
    const second = new HandoffService(two, retention);
    await request(first, 'x');
    const results = await Promise.all([first.claim('x', 'amina', 5), second.claim('x', 'boris', 5)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(['taken']);
    const owner = (await first.get('x'))?.owner;
    expect(['amina', 'boris']).toContain(owner);
  });

  it('keeps a caseworker within their chat limit', async () => {
    const [store] = await makeStores();
    const service = new HandoffService(store, retention);
    await request(service, 'p');
    await request(service, 'q');
    expect((await service.claim('p', 'amina', 1)).ok).toBe(true);
    expect(await service.claim('q', 'amina', 1)).toEqual({ ok: false, reason: 'limit' });
  });

  it('transfers back to the queue with a note, and writes every action to the audit log', async () => {
    const [store] = await makeStores();
    const service = new HandoffService(store, retention);
    await request(service, 'r');
    await service.claim('r', 'amina', 5);
    await service.transfer('r', 'amina', undefined, 'needs Farsi');
    const c = await service.get('r');
    expect(c?.status).toBe('queued');
    expect(c?.notes.map((n) => n.text)).toEqual(['needs Farsi']);
    await service.end('r', 'boris', 'closed');
    expect((await service.auditLog()).map((a) => a.action)).toEqual(['closed', 'returned_to_queue', 'claimed', 'requested']);
  });

  it('keeps the transcript with a retention time, and forgets it on request', async () => {
    const [store] = await makeStores();
    const service = new HandoffService(store, retention);
    await request(service, 's');
    await service.appendMessage('s', { author: 'person', text: 'hello' });
    await service.appendMessage('s', { author: 'staff', by: 'amina', text: 'hi, I am here' });
    expect((await service.transcript('s')).map((e) => e.text)).toEqual(['hello', 'hi, I am here']);
    for (const key of await store.keys('handoff:')) expect(await store.ttl(key)).toBeGreaterThan(0);
    await service.forget('s');
    expect(await store.keys('handoff:')).toEqual([]);
  });
}

describe('handoff service in memory', () => {
  contract(async () => {
    const store = new MemoryStore();
    return [store, store];
  });
});

describeRedis('handoff service on Redis', () => {
  const opened: Store[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });
  contract(async () => {
    const keyPrefix = uniquePrefix();
    const one = new RedisStore({ url: redisUrl, keyPrefix });
    const two = new RedisStore({ url: redisUrl, keyPrefix });
    await Promise.all([one.connect(), two.connect()]);
    opened.push(one, two);
    return [one, two];
  });
});
