import { describe, expect, it } from 'vitest';
import {
  CHECK_TOTALS_PREFIX,
  checkCounterNames,
  checkTotalsTtlSeconds,
  dayOf,
  recordCheckTotals,
  type CheckTotalsInput,
} from '../../src/analytics/check-totals.js';

const base: CheckTotalsInput = {
  answers: {},
  result: { version: 1, level: 'low', triggers: [] },
  day: '2026-03-14',
  country: 'IT',
  language: 'en',
  stage: 'unknown',
};
const prefix = 'stats:check:2026-03-14:v1:IT:en:unknown:';

describe('checkCounterNames', () => {
  it.each<[string, Partial<CheckTotalsInput>, string[]]>([
    ['no answers: the check and its level', {}, ['checks', 'level:low']],
    [
      'each answer with its option, a skip as "skip"',
      { answers: { 'safety.danger_now': 'no', 'ind.documents': 'kept_by_other', 'ind.health': 'skip' }, result: { version: 1, level: 'medium', triggers: [] } },
      ['checks', 'level:medium', 'answer:safety.danger_now:no', 'answer:ind.documents:kept_by_other', 'answer:ind.health:skip'],
    ],
    [
      'each trigger fired',
      { answers: { 'work.free_to_leave': 'no', 'harm.any': 'household' }, result: { version: 1, level: 'urgent', triggers: ['not_free_to_leave', 'violence_at_home'] } },
      ['checks', 'level:urgent', 'answer:work.free_to_leave:no', 'answer:harm.any:household', 'trigger:not_free_to_leave', 'trigger:violence_at_home'],
    ],
  ])('%s', (_case, input, expected) => {
    expect(checkCounterNames({ ...base, ...input })).toEqual(expected.map((what) => prefix + what));
  });

  it.each<[string, Partial<CheckTotalsInput>, string]>([
    ['an unknown country', { country: 'unknown' }, 'stats:check:2026-03-14:v1:unknown:en:unknown:checks'],
    ['the international list', { country: 'INT' }, 'stats:check:2026-03-14:v1:INT:en:unknown:checks'],
    ['another language and version', { language: 'fa', result: { version: 3, level: 'high', triggers: [] } }, 'stats:check:2026-03-14:v3:IT:fa:unknown:checks'],
    ['a stage', { stage: 'arrived' }, 'stats:check:2026-03-14:v1:IT:en:arrived:checks'],
  ])('names the group: %s', (_case, input, first) => {
    const names = checkCounterNames({ ...base, ...input });
    expect(names[0]).toBe(first);
    for (const name of names) expect(name.startsWith(CHECK_TOTALS_PREFIX)).toBe(true);
  });

  it.each<[string, Partial<CheckTotalsInput>]>([
    ['a time finer than a day', { day: '2026-03-14T10:22:05Z' }],
    ['a day that is not a date', { day: '2026-13-45' }],
    ['a country name typed by the person', { country: 'near the station' }],
    ['a user id as the language', { language: 'dl_abc123' }],
    ['free text as an answer', { answers: { 'ind.documents': 'my boss has it' } }],
    ['free text as a question', { answers: { 'where am I': 'yes' } }],
    ['a trigger that is not an id', { result: { version: 1, level: 'urgent', triggers: ['Help!'] } }],
    ['an unknown level', { result: { version: 1, level: 'dire' as never, triggers: [] } }],
    ['a version that is not one', { result: { version: 0, level: 'low', triggers: [] } }],
  ])('refuses %s, without echoing it', (_case, input) => {
    expect(() => checkCounterNames({ ...base, ...input })).toThrow(RangeError);
    try {
      checkCounterNames({ ...base, ...input });
    } catch (error) {
      for (const value of ['station', 'dl_abc', 'boss', 'where am', 'Help!', '10:22']) expect((error as Error).message).not.toContain(value);
    }
  });
});

describe('retention and recording', () => {
  it.each([
    ['just after midnight', '2026-03-14T00:00:01Z'],
    ['at noon', '2026-03-14T12:00:00Z'],
    ['just before midnight', '2026-03-14T23:59:59.500Z'],
  ])('every counter of a day expires at the same midnight, 400 days on: %s', (_case, at) => {
    const now = new Date(at);
    const expiresAt = now.getTime() + checkTotalsTtlSeconds(now) * 1000;
    expect(new Date(expiresAt).toISOString().slice(0, 19)).toBe('2027-04-19T00:00:00');
    expect(dayOf(now)).toBe('2026-03-14');
  });

  it('adds 1 to each counter, with that retention', async () => {
    const calls: Array<[string, number, { ttlSeconds: number }]> = [];
    const store = {
      increment: async (key: string, by: number, options: { ttlSeconds: number }) => {
        calls.push([key, by, options]);
        return 1;
      },
    };
    const now = new Date('2026-03-14T12:00:00Z');
    const result = { version: 1, level: 'low' as const, triggers: [] };
    await recordCheckTotals(store, { answers: { 'ind.documents': 'own' }, result, country: 'IT', language: 'en', stage: 'unknown' }, now);
    const ttlSeconds = checkTotalsTtlSeconds(now);
    expect(calls).toEqual(
      ['checks', 'level:low', 'answer:ind.documents:own'].map((what) => [prefix + what, 1, { ttlSeconds }]),
    );
  });
});
