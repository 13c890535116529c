import type { Store } from '../store/store.js';
import { dayOf, ID_PATTERNS, namePart, totalsTtlSeconds } from './check-totals.js';

/**
 * Anonymous totals of how the service is used, kept for everyone and without asking: they describe
 * the service, not a person. Like the self-check's totals (check-totals.ts) a counter's name holds
 * ids only, never an id of a person or the words anyone typed, and the day, nothing finer.
 *
 *   stats:usage:<day>:topic:<language>:<topic>               a topic's answer was shown
 *   stats:usage:<day>:no_result:<language>                   a typed question found nothing
 *   stats:usage:<day>:handoff:<language>:<channel>:asked     someone asked for a person
 *   stats:usage:<day>:handoff:<language>:<channel>:<wait>    …and a caseworker first wrote to them after <wait>
 *
 * A handoff is counted on the day it was asked for, also when it is answered after midnight, so
 * that the requests answered on a day are some of the requests asked that day.
 */

export const USAGE_TOTALS_PREFIX = 'stats:usage:';

/** The buckets waiting times are counted in: below `seconds` (and at least the bucket before's). */
export const WAIT_BUCKETS = [
  { id: 'under_1m', label: 'under 1 min', below: 60 },
  { id: '1_5m', label: '1–5 min', below: 5 * 60 },
  { id: '5_15m', label: '5–15 min', below: 15 * 60 },
  { id: '15_60m', label: '15–60 min', below: 60 * 60 },
  { id: 'over_60m', label: 'over 60 min', below: Infinity },
] as const;
export type WaitBucket = (typeof WAIT_BUCKETS)[number]['id'];
export type HandoffOutcome = 'asked' | WaitBucket;

export type UsageEvent =
  | { kind: 'topic'; language: string; topic: string }
  | { kind: 'no_result'; language: string }
  | { kind: 'handoff'; language: string; channel: string; outcome: HandoffOutcome };

const PATTERNS = {
  day: ID_PATTERNS.day,
  language: ID_PATTERNS.language,
  topic: ID_PATTERNS.question,
  channel: /^[a-z]+$/,
} as const;

const OUTCOMES: readonly string[] = ['asked', ...WAIT_BUCKETS.map((bucket) => bucket.id)];

/** The name of the counter an event adds 1 to. Pure; refuses anything that is not an id. */
export function usageCounterName(day: string, event: UsageEvent): string {
  const part = (field: keyof typeof PATTERNS, value: string) => namePart(field, PATTERNS[field], value);
  const what = [event.kind, part('language', event.language)];
  if (event.kind === 'topic') what.push(part('topic', event.topic));
  if (event.kind === 'handoff') {
    if (!OUTCOMES.includes(event.outcome)) throw new RangeError('totals: unknown handoff outcome');
    what.push(part('channel', event.channel), event.outcome);
  }
  return `${USAGE_TOTALS_PREFIX}${part('day', day)}:${what.join(':')}`;
}

/** A counter's name read back: the day and the event, or undefined for a name of another shape. */
export function parseUsageCounter(name: string): { day: string; event: UsageEvent } | undefined {
  if (!name.startsWith(USAGE_TOTALS_PREFIX)) return undefined;
  const [day = '', kind, language = '', ...rest] = name.slice(USAGE_TOTALS_PREFIX.length).split(':');
  let event: UsageEvent | undefined;
  if (kind === 'topic' && rest.length === 1) event = { kind, language, topic: rest[0]! };
  if (kind === 'no_result' && rest.length === 0) event = { kind, language };
  if (kind === 'handoff' && rest.length === 2 && OUTCOMES.includes(rest[1]!)) {
    event = { kind, language, channel: rest[0]!, outcome: rest[1] as HandoffOutcome };
  }
  return event && { day, event };
}

export function waitBucket(seconds: number): WaitBucket {
  return WAIT_BUCKETS.find((bucket) => seconds < bucket.below)!.id;
}

async function add(store: Pick<Store, 'increment'>, day: string, event: UsageEvent, now: Date): Promise<void> {
  await store.increment(usageCounterName(day, event), 1, { ttlSeconds: totalsTtlSeconds(day, now) });
}

/** Adds one event, on the day of `now`. */
export function recordUsage(store: Pick<Store, 'increment'>, event: UsageEvent, now: Date): Promise<void> {
  return add(store, dayOf(now), event, now);
}

/**
 * Counts a request for a person when it is made, and again when a caseworker first writes to the
 * person (with how long they waited), both on the day it was asked for.
 */
export function recordHandoff(
  store: Pick<Store, 'increment'>,
  handoff: { language: string; channel: string; requestedAt: string; firstResponseAt?: string },
  now: Date,
): Promise<void> {
  const outcome = handoff.firstResponseAt
    ? waitBucket((Date.parse(handoff.firstResponseAt) - Date.parse(handoff.requestedAt)) / 1000)
    : 'asked';
  const event: UsageEvent = { kind: 'handoff', language: handoff.language, channel: handoff.channel, outcome };
  return add(store, dayOf(new Date(handoff.requestedAt)), event, now);
}
