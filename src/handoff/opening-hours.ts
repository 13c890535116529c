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
