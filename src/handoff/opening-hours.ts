/**
 * When caseworkers answer: "mon-fri 09:00-17:00, sat 10:00-13:00" in a time zone, minus holidays.
 * Pure functions, so the rules are tested with a table of dates.
 */
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export interface OpeningHours {
  /** Per weekday (0 = Sunday), open intervals in minutes since midnight. */
  week: Array<Array<[number, number]>>;
  timeZone: string;
  /** YYYY-MM-DD dates, in the time zone, when nobody answers. */
  holidays: Set<string>;
  /** The text as configured, to tell the person the hours. */
  text: string;
}

/** Parses the configured hours; throws an Error saying what is wrong. */
export function parseOpeningHours(text: string, timeZone: string, holidays: string[]): OpeningHours {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format();
  } catch {
    throw new Error(`"${timeZone}" is not a time zone (use a name like Europe/Rome)`);
  }
  const week: Array<Array<[number, number]>> = DAYS.map(() => []);
  for (const part of text.split(/[,;]/).map((p) => p.trim().toLowerCase()).filter(Boolean)) {
    const match = /^([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(part);
    if (!match) throw new Error(`"${part}" should look like "mon-fri 09:00-17:00"`);
    const [, fromDay, toDay, h1, m1, h2, m2] = match;
    const first = DAYS.indexOf(fromDay as (typeof DAYS)[number]);
    const last = DAYS.indexOf((toDay ?? fromDay) as (typeof DAYS)[number]);
    if (first < 0 || last < 0) throw new Error(`"${part}": days are written mon tue wed thu fri sat sun`);
    const start = Number(h1) * 60 + Number(m1);
    const end = Number(h2) * 60 + Number(m2);
    if (start >= end || end > 24 * 60) throw new Error(`"${part}": the time must go from earlier to later within one day`);
    for (let day = first; ; day = (day + 1) % 7) {
      week[day]!.push([start, end]);
      if (day === last) break;
    }
  }
  for (const day of holidays) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`holiday "${day}" should be written YYYY-MM-DD`);
  }
  return { week, timeZone, holidays: new Set(holidays), text };
}

/** True when a caseworker is expected to answer at that moment. */
export function isOpen(hours: OpeningHours, at: Date): boolean {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: hours.timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  if (hours.holidays.has(`${parts.year}-${parts.month}-${parts.day}`)) return false;
  const day = DAYS.indexOf(String(parts.weekday).toLowerCase().slice(0, 3) as (typeof DAYS)[number]);
  const minute = Number(parts.hour) * 60 + Number(parts.minute);
  return (hours.week[day] ?? []).some(([start, end]) => minute >= start && minute < end);
}

const WHOLE_DAY: [number, number] = [0, 24 * 60];

/**
 * The hours in the person's language, as a person says them: "Monday–Friday 09:00–17:00 and
 * Saturday 10:00–13:00 (Central European Time)", or `allHours` when caseworkers answer at any time.
 */
export function describeOpeningHours(hours: OpeningHours, lang: string, allHours: string): string {
  const same = (a: Array<[number, number]>, b: Array<[number, number]>) => JSON.stringify(a) === JSON.stringify(b);
  if (hours.week.every((intervals) => same(intervals, [WHOLE_DAY]))) return allHours;
  // Monday first, as people count a working week, unless a run of days goes on past Sunday ("sat-mon").
  let first = 1;
  if (!hours.week.every((intervals) => same(intervals, hours.week[1]!))) {
    while (same(hours.week[(first + 6) % 7]!, hours.week[first]!)) first = (first + 1) % 7;
  }
  const order = Array.from({ length: 7 }, (_, i) => (first + i) % 7);
  const weekday = new Intl.DateTimeFormat(lang, { weekday: 'long', timeZone: 'UTC' });
  // 7 January 2024 was a Sunday: day 0.
  const dayName = (day: number) => weekday.format(Date.UTC(2024, 0, 7 + day));
  const digits = new Intl.NumberFormat(lang, { minimumIntegerDigits: 2, useGrouping: false });
  const clock = (minutes: number) => `${digits.format(Math.floor(minutes / 60))}:${digits.format(minutes % 60)}`;
  const sameDay = new Intl.ListFormat(lang, { type: 'unit' });
  const spans: string[] = [];
  for (let i = 0; i < order.length; ) {
    const intervals = hours.week[order[i]!]!;
    let j = i;
    while (j + 1 < order.length && same(hours.week[order[j + 1]!]!, intervals)) j++;
    if (intervals.length > 0) {
      const days = i === j ? dayName(order[i]!) : `${dayName(order[i]!)}–${dayName(order[j]!)}`;
      const times = sameDay.format(intervals.map(([start, end]) => `${clock(start)}–${clock(end)}`));
      spans.push(`${days} ${times}`);
    }
    i = j + 1;
  }
  return `${new Intl.ListFormat(lang, { type: 'conjunction' }).format(spans)} (${timeZoneName(hours.timeZone, lang)})`;
}

/** "Central European Time", in the person's language; a name, not an offset, where one exists. */
function timeZoneName(timeZone: string, lang: string): string {
  const named = (style: 'longGeneric' | 'long') =>
    new Intl.DateTimeFormat(lang, { timeZone, timeZoneName: style }).formatToParts(new Date()).find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
  const generic = named('longGeneric');
  return /\p{Nd}/u.test(generic) ? named('long') : generic;
}
