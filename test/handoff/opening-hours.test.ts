import { describe, expect, it } from 'vitest';
import { describeOpeningHours, isOpen, parseOpeningHours } from '../../src/handoff/opening-hours.js';

describe('opening hours', () => {
  it.each([
    ['mon-fri 9-17', 'UTC', [], '"mon-fri 9-17" should look like "mon-fri 09:00-17:00"'],
    ['mon-fry 09:00-17:00', 'UTC', [], 'days are written mon tue wed thu fri sat sun'],
    ['mon 17:00-09:00', 'UTC', [], 'the time must go from earlier to later within one day'],
    ['mon 09:00-25:00', 'UTC', [], 'the time must go from earlier to later within one day'],
    ['mon-fri 09:00-17:00', 'Europe/Nowhere', [], '"Europe/Nowhere" is not a time zone'],
    ['mon-fri 09:00-17:00', 'UTC', ['25/12/2026'], 'holiday "25/12/2026" should be written YYYY-MM-DD'],
  ])('refuses %s in %s (holidays %j), saying what is wrong', (text, timeZone, holidays, message) => {
    expect(() => parseOpeningHours(text, timeZone, holidays)).toThrow(message);
  });

  const rome = parseOpeningHours('mon-fri 09:00-17:00, sat 10:00-13:00', 'Europe/Rome', ['2026-12-25']);
  it.each([
    ['a Wednesday at 10:00 in Rome (09:00 UTC, winter)', '2026-11-25T09:00:00Z', true],
    ['a Wednesday at 08:59 in Rome', '2026-11-25T07:59:00Z', false],
    ['a Wednesday at 17:00 in Rome: closed from then', '2026-11-25T16:00:00Z', false],
    ['a Wednesday at 16:59 in Rome in summer (UTC+2)', '2026-07-15T14:59:00Z', true],
    ['a Saturday at 12:00 in Rome', '2026-11-28T11:00:00Z', true],
    ['a Saturday at 13:30 in Rome', '2026-11-28T12:30:00Z', false],
    ['a Sunday', '2026-11-29T10:00:00Z', false],
    ['Christmas, a Friday, a holiday', '2026-12-25T10:00:00Z', false],
    ['a Friday 23:30 UTC, already Saturday 00:30 in Rome', '2026-11-27T23:30:00Z', false],
  ])('is open or closed: %s', (_, at, open) => {
    expect(isOpen(rome, new Date(at))).toBe(open);
  });

  it.each([
    ['mon-sun 00:00-24:00', 'UTC', 'en', 'at any time'],
    ['mon-fri 09:00-17:00, sat 10:00-13:00', 'Europe/Rome', 'en', 'Monday–Friday 09:00–17:00 and Saturday 10:00–13:00 (Central European Time)'],
    ['mon-fri 09:00-17:00, sat 10:00-13:00', 'Europe/Rome', 'fr', 'lundi–vendredi 09:00–17:00 et samedi 10:00–13:00 (heure d’Europe centrale)'],
    ['mon-fri 09:00-17:00', 'Europe/Rome', 'fa', 'دوشنبه–جمعه ۰۹:۰۰–۱۷:۰۰ (وقت مرکز اروپا)'],
    ['mon-fri 09:00-12:00, mon-fri 14:00-17:00', 'UTC', 'en', 'Monday–Friday 09:00–12:00, 14:00–17:00 (Coordinated Universal Time)'],
    ['sat-mon 10:00-14:00', 'Asia/Bangkok', 'en', 'Saturday–Monday 10:00–14:00 (Indochina Time)'],
    ['mon-sun 08:00-20:00', 'UTC', 'en', 'Monday–Sunday 08:00–20:00 (Coordinated Universal Time)'],
    ['tue 09:00-12:00, thu 09:00-12:00', 'UTC', 'en', 'Tuesday 09:00–12:00 and Thursday 09:00–12:00 (Coordinated Universal Time)'],
  ])('says %s (%s) in %s as: %s', (text, timeZone, lang, expected) => {
    expect(describeOpeningHours(parseOpeningHours(text, timeZone, []), lang, 'at any time')).toBe(expected);
  });
});
