import { describe, expect, it } from 'vitest';
import { checkTotalsTtlSeconds, totalsTtlSeconds } from '../../src/analytics/check-totals.js';
import {
  parseUsageCounter,
  recordHandoff,
  recordUsage,
  usageCounterName,
  waitBucket,
  type UsageEvent,
} from '../../src/analytics/usage-totals.js';

const DAY = '2026-03-14';

/** A store that only writes down what it was asked to add. */
function recorder() {
  const calls: Array<[string, number, { ttlSeconds: number }]> = [];
  return {
    calls,
    increment: async (key: string, by: number, options: { ttlSeconds: number }) => {
      calls.push([key, by, options]);
      return 1;
    },
  };
}

describe('usageCounterName', () => {
  it.each<[string, UsageEvent, string]>([
    ['a topic opened', { kind: 'topic', language: 'fa', topic: 'rights.documents' }, 'stats:usage:2026-03-14:topic:fa:rights.documents'],
    ['a search that found nothing, without its words', { kind: 'no_result', language: 'ar' }, 'stats:usage:2026-03-14:no_result:ar'],
    ['a request for a person', { kind: 'handoff', language: 'uk', channel: 'telegram', outcome: 'asked' }, 'stats:usage:2026-03-14:handoff:uk:telegram:asked'],
    ['an answered one, by its wait', { kind: 'handoff', language: 'en', channel: 'directline', outcome: '5_15m' }, 'stats:usage:2026-03-14:handoff:en:directline:5_15m'],
  ])('%s', (_case, event, name) => {
    expect(usageCounterName(DAY, event)).toBe(name);
    expect(parseUsageCounter(name)).toEqual({ day: DAY, event });
  });

  it.each<[string, string, UsageEvent]>([
    ['a time finer than a day', '2026-03-14T10:22', { kind: 'no_result', language: 'en' }],
    ['words typed as a topic', DAY, { kind: 'topic', language: 'en', topic: 'where is my boss' }],
    ['a user id as the language', DAY, { kind: 'no_result', language: 'dl_abc123' }],
    ['an id as the channel', DAY, { kind: 'handoff', language: 'en', channel: 'user:42', outcome: 'asked' }],
    ['an unknown outcome', DAY, { kind: 'handoff', language: 'en', channel: 'telegram', outcome: 'later' as never }],
  ])('refuses %s, without echoing it', (_case, day, event) => {
    expect(() => usageCounterName(day, event)).toThrow(RangeError);
    try {
      usageCounterName(day, event);
    } catch (error) {
      for (const value of ['10:22', 'boss', 'dl_abc', 'user:42', 'later']) expect((error as Error).message).not.toContain(value);
    }
  });

  it('reads back only names of its own shape', () => {
    for (const name of ['stats:check:2026-03-14:v1:IT:en:unknown:checks', 'stats:usage:2026-03-14:topic:en', 'stats:usage:2026-03-14:handoff:en:telegram:soon', 'session:abc']) {
      expect(parseUsageCounter(name)).toBeUndefined();
    }
  });
});

describe('waiting times', () => {
  it.each([
    [0, 'under_1m'],
    [59.9, 'under_1m'],
    [60, '1_5m'],
    [299, '1_5m'],
    [300, '5_15m'],
    [899, '5_15m'],
    [900, '15_60m'],
    [3599, '15_60m'],
    [3600, 'over_60m'],
    [86_400, 'over_60m'],
  ])('%f seconds: %s', (seconds, bucket) => {
    expect(waitBucket(seconds)).toBe(bucket);
  });
});

describe('recording', () => {
  it('adds 1 on the day of now, expiring with the other counters of that day', async () => {
    const store = recorder();
    const now = new Date('2026-03-14T12:00:00Z');
    await recordUsage(store, { kind: 'no_result', language: 'en' }, now);
    expect(store.calls).toEqual([['stats:usage:2026-03-14:no_result:en', 1, { ttlSeconds: checkTotalsTtlSeconds(now) }]]);
  });

  it('counts a request when asked, and its answer with the wait, both on the day it was asked for', async () => {
    const store = recorder();
    const asked = { language: 'fa', channel: 'telegram', requestedAt: '2026-03-14T23:58:00.000Z' };
    await recordHandoff(store, asked, new Date(asked.requestedAt));
    const answeredAt = new Date('2026-03-15T00:04:00.000Z');
    await recordHandoff(store, { ...asked, firstResponseAt: answeredAt.toISOString() }, answeredAt);
    expect(store.calls.map(([key]) => key)).toEqual(['stats:usage:2026-03-14:handoff:fa:telegram:asked', 'stats:usage:2026-03-14:handoff:fa:telegram:5_15m']);
    // Both expire at the same second: the second counter does not tell when in the day it changed.
    const expiries = store.calls.map(([, , { ttlSeconds }], i) => (i === 0 ? Date.parse(asked.requestedAt) : answeredAt.getTime()) + ttlSeconds * 1000);
    expect(new Set(expiries).size).toBe(1);
    expect(new Date(expiries[0]!).toISOString()).toBe('2027-04-19T00:00:00.000Z');
    expect(totalsTtlSeconds('2026-03-14', answeredAt)).toBe(store.calls[1]![2].ttlSeconds);
  });
});
