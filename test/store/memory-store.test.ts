import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory-store.js';
import { storeContract } from './store-contract.js';

describe('MemoryStore', () => {
  storeContract(async () => new MemoryStore());

  it('is of kind memory', () => {
    expect(new MemoryStore().kind).toBe('memory');
  });

  it('serves lock waiters first come, first served', async () => {
    const store = new MemoryStore();
    const release = await store.lock('name', { leaseMs: 5000, waitMs: 0 });
    const order: number[] = [];
    const waiters = [1, 2, 3, 4].map(async (waiter) => {
      const next = await store.lock('name', { leaseMs: 5000, waitMs: 5000 });
      order.push(waiter);
      await sleep(5);
      await next();
    });
    await release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3, 4]);
    await store.close();
  });

  it('passes the turn of a waiter that gave up straight on to the next one', async () => {
    const store = new MemoryStore();
    const release = await store.lock('name', { leaseMs: 5000, waitMs: 0 });
    const impatient = store.lock('name', { leaseMs: 5000, waitMs: 20 });
    const patient = store.lock('name', { leaseMs: 5000, waitMs: 5000 });
    await expect(impatient).rejects.toThrow('timed out');
    await release();
    await (await patient)();
    await store.close();
  });
});
