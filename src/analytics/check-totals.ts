import { RESULT_LEVELS } from '../assessment/definition.js';
import type { Answers, AssessmentResult } from '../assessment/score.js';
import type { Store } from '../store/store.js';

/**
 * Anonymous totals of the self-check, kept only when the person agrees to be counted (shared spec
 * assessment.md, rule 9). A counter's name says what was counted and never who or when: no ids, no
 * free text, the day and nothing finer. Program staff read them summed over groups of at least 10.
 *
 *   stats:check:<day>:v<version>:<country>:<language>:<stage>:<what>
 *   what = checks | level:<level> | answer:<question>:<option or skip> | trigger:<trigger>
 */

const NAMESPACE = 'stats:check';
export const CHECK_TOTALS_PREFIX = `${NAMESPACE}:`;

/** More than a year, so that staff can compare a month with the same month a year before. */
export const CHECK_TOTALS_RETENTION_DAYS = 400;

const DAY_SECONDS = 24 * 3600;

export interface CheckTotalsInput {
  answers: Answers;
  result: Pick<AssessmentResult, 'version' | 'level' | 'triggers'>;
  /** YYYY-MM-DD (UTC) */
  day: string;
  /** ISO 3166 alpha-2 code, INT, or 'unknown' */
  country: string;
  language: string;
  /** stage of the journey, or 'unknown' while the conversation has no such setting */
  stage: string;
}

// Every part of a name must look like an id: free text can never slip into a key.
export const ID_PATTERNS = {
  day: /^\d{4}-\d{2}-\d{2}$/,
  country: /^([A-Z]{2}|INT|unknown)$/,
  language: /^[a-z]{2,3}$/,
  stage: /^[a-z_]+$/,
  question: /^[a-z]+\.[a-z][a-z_]*$/,
  option: /^[a-z][a-z_]*$/,
  trigger: /^[a-z][a-z_]*$/,
} as const;

function checked(field: keyof typeof ID_PATTERNS, value: string): string {
  return namePart(field, ID_PATTERNS[field], value);
}

/** One part of a counter's name, refused unless it looks like an id (or, for `day`, is a date). */
export function namePart(field: string, pattern: RegExp, value: string): string {
  // The value is not echoed: it might be the very text this check keeps out.
  if (!pattern.test(value)) throw new RangeError(`totals: "${field}" does not look like an id`);
  if (field === 'day' && Number.isNaN(Date.parse(value))) throw new RangeError('totals: "day" is not a date');
  return value;
}

/** The names of the counters one counted check adds 1 to. Pure. */
export function checkCounterNames(input: CheckTotalsInput): string[] {
  const { result } = input;
  if (!(RESULT_LEVELS as readonly string[]).includes(result.level)) throw new RangeError('check totals: unknown level');
  if (!Number.isInteger(result.version) || result.version < 1) throw new RangeError('check totals: bad definition version');
  const base = [
    NAMESPACE,
    checked('day', input.day),
    `v${result.version}`,
    checked('country', input.country),
    checked('language', input.language),
    checked('stage', input.stage),
  ].join(':');
  return [
    'checks',
    `level:${result.level}`,
    ...Object.entries(input.answers).map(([question, option]) => `answer:${checked('question', question)}:${checked('option', option)}`),
    ...result.triggers.map((trigger) => `trigger:${checked('trigger', trigger)}`),
  ].map((what) => `${base}:${what}`);
}

/** A counter's name read back into its group and what it counts, or undefined for another shape. */
export function parseCheckCounter(
  name: string,
): { day: string; version: number; country: string; language: string; stage: string; what: string } | undefined {
  if (!name.startsWith(CHECK_TOTALS_PREFIX)) return undefined;
  const [day = '', version = '', country = '', language = '', stage = '', ...what] = name.slice(CHECK_TOTALS_PREFIX.length).split(':');
  if (!/^v\d+$/.test(version) || what.length === 0) return undefined;
  return { day, version: Number(version.slice(1)), country, language, stage, what: what.join(':') };
}

/** The UTC day of a moment, YYYY-MM-DD: the finest time anything of a check is kept with. */
export function dayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Retention up to a midnight (UTC) 400 days on: every counter of a day expires at the same
 * second, so a counter's remaining time cannot tell when in the day its last check was counted.
 */
export function checkTotalsTtlSeconds(now: Date): number {
  return totalsTtlSeconds(dayOf(now), now);
}

/**
 * The same for a counter of any day, also one added to later (a handoff is counted on the day it
 * was asked for): it still expires with the other counters of its day.
 */
export function totalsTtlSeconds(day: string, now: Date): number {
  const end = Date.parse(day) + (CHECK_TOTALS_RETENTION_DAYS + 1) * DAY_SECONDS * 1000;
  return Math.ceil((end - now.getTime()) / 1000);
}

/** Adds one finished check to the totals. */
export async function recordCheckTotals(
  store: Pick<Store, 'increment'>,
  input: Omit<CheckTotalsInput, 'day'>,
  now: Date,
): Promise<void> {
  const ttlSeconds = checkTotalsTtlSeconds(now);
  await Promise.all(checkCounterNames({ ...input, day: dayOf(now) }).map((name) => store.increment(name, 1, { ttlSeconds })));
}
