import { beforeAll, describe, expect, it } from 'vitest';
import { parseCheckCounter } from '../../src/analytics/check-totals.js';
import {
  buildDashboard,
  dashboardQuerySchema,
  describeQuery,
  HIDDEN,
  readCounts,
  tablesOf,
  toCsv,
  type Counts,
  type DashboardContext,
  type DashboardQuery,
  type Table,
} from '../../src/analytics/dashboard.js';
import { loadAssessment } from '../../src/assessment/definition.js';
import { languages } from '../../src/config.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { countChecks, countHandoffs, countUsage, smallNumbersIn, smallNumbersInCsv } from '../support/evidence.js';

const { definition, texts } = await loadAssessment();
const TITLES: Record<string, string> = { 'rights.work': 'Work, pay and your rights', 'help.human': '=HYPERLINK("x")' };
const context: DashboardContext = {
  definition,
  words: texts.en,
  topicTitle: (id) => TITLES[id],
  languages,
  channels: { directline: 'Web chat', telegram: 'Telegram' },
};
const WEEK: DashboardQuery = { from: '2026-03-11', to: '2026-03-17', by: 'week' };

const MINOR_ALONE = { 'ind.minor': 'yes', 'ind.minor_alone': 'alone', 'ind.documents': 'skip' };

/**
 * Italy and Germany with enough checks to be named, Spain (4) and Greece (8) too few on their own;
 * checks of another version and outside the week that must not be added in; how the service was used.
 */
async function seed(): Promise<Counts> {
  const store = new MemoryStore();
  const wednesday = '2026-03-11';
  await countChecks(store, { times: 30, day: wednesday, level: 'low', answers: { 'ind.minor': 'no', 'ind.documents': 'own' } });
  await countChecks(store, { times: 20, day: wednesday, level: 'medium', answers: { 'ind.minor': 'yes', 'ind.minor_alone': 'with_adult', 'ind.documents': 'kept_by_other' } });
  await countChecks(store, { times: 3, day: wednesday, level: 'urgent', answers: MINOR_ALONE, triggers: ['child_alone'] });
  await countChecks(store, { times: 15, day: wednesday, country: 'DE', level: 'low', answers: { 'ind.minor': 'no', 'ind.documents': 'own' } });
  await countChecks(store, { times: 12, day: '2026-03-16', country: 'DE', level: 'medium', answers: { 'ind.minor': 'no', 'ind.documents': 'none' } });
  await countChecks(store, { times: 4, day: '2026-03-16', country: 'ES', language: 'fa', stage: 'arrived', answers: { 'ind.minor': 'no' } });
  await countChecks(store, { times: 8, day: '2026-03-16', country: 'GR', level: 'medium', answers: { 'ind.minor': 'no' } });
  await countChecks(store, { times: 20, day: wednesday, version: definition.version + 1 });
  await countChecks(store, { times: 30, day: '2026-03-01' });

  await countUsage(store, 30, wednesday, { kind: 'topic', language: 'en', topic: 'rights.work' });
  await countUsage(store, 12, wednesday, { kind: 'topic', language: 'fa', topic: 'help.human' });
  await countUsage(store, 4, wednesday, { kind: 'topic', language: 'en', topic: 'safe.money' });
  await countUsage(store, 11, wednesday, { kind: 'no_result', language: 'en' });
  await countHandoffs(store, { times: 12, answered: 10, waitSeconds: 200, day: wednesday });
  await countHandoffs(store, { times: 3, answered: 1, waitSeconds: 4000, day: wednesday, language: 'ar', channel: 'telegram' });
  await store.set('session:abc', { not: 'a total' }, { ttlSeconds: 60 });
  return readCounts(store);
}

const column = (table: Table, key: string) => table.columns.findIndex((c) => c.key === key);
const cellOf = (table: Table, row: string, key: string) => table.rows.find((r) => r.key === row)!.cells[column(table, key)];
const rowLabels = (table: Table) => table.rows.map((row) => row.label);

describe('the dashboard', () => {
  let counts: Counts;
  beforeAll(async () => {
    counts = await seed();
  });

  it('reads every total and nothing else', () => {
    expect(counts.checks.every((c) => c.value > 0)).toBe(true);
    expect(counts.checks.find((c) => c.country === 'ES' && c.what === 'checks')?.value).toBe(4);
    expect(counts.usage.find((u) => u.event.kind === 'no_result')).toEqual({ day: '2026-03-11', event: { kind: 'no_result', language: 'en' }, value: 11 });
  });

  it('names only countries with at least 10 checks; the others share a row of at least 10', () => {
    const { levels } = buildDashboard(counts, context, WEEK).checks;
    expect(rowLabels(levels)).toEqual(['Italy', 'Germany', 'Other countries']);
    expect(levels.rows.map((row) => row.total)).toEqual([53, 27, 12]);
    expect(levels.totals.total).toBe(92);
    expect(levels.columns.map((c) => c.key)).toEqual(['low', 'medium', 'high', 'urgent']);
  });

  it('adds nothing from another version of the questions or from outside the period', () => {
    const next = { ...context, definition: { ...definition, version: definition.version + 1 } };
    expect(buildDashboard(counts, next, WEEK).checks.levels.totals.total).toBe(20);
    expect(buildDashboard(counts, context, { ...WEEK, from: '2026-03-01', to: '2026-03-01' }).checks.levels.totals.total).toBe(30);
  });

  it('shows no number under 10 anywhere, and hides the small groups', () => {
    const dashboard = buildDashboard(counts, context, WEEK);
    expect(smallNumbersIn(dashboard)).toEqual([]);
    const { levels } = dashboard.checks;
    expect(cellOf(levels, 'IT', 'urgent')).toBeNull();
    expect(levels.totals.cells[column(levels, 'urgent')]).toBeNull();
    // Not everything goes: Italy's low is seen, its small cells moving against the small totals
    // of their columns.
    expect(levels.rows[0]!.cells).toEqual([30, null, null, null]);
    // Levels, over time, the five levels' risk factors, each question but the folded follow-up, and use.
    expect(tablesOf(dashboard).length).toBe(2 + 5 + (definition.questions.length - 1) + 5);
  });

  it.each<[string, Partial<DashboardQuery>, string[], number | null]>([
    ['one country, too few checks: hidden, total and all', { country: 'ES' }, ['Spain'], null],
    ['a language', { language: 'fa' }, ['All countries'], null],
    ['a stage', { stage: 'arrived' }, ['All countries'], null],
    ['one country with enough', { country: 'DE' }, ['Germany'], 27],
  ])('suppresses a filtered view on its own numbers: %s', (_case, filter, rows, total) => {
    const dashboard = buildDashboard(counts, context, { ...WEEK, ...filter });
    expect(rowLabels(dashboard.checks.levels)).toEqual(rows);
    expect(dashboard.checks.levels.totals.total).toBe(total);
    expect(smallNumbersIn(dashboard)).toEqual([]);
  });

  it('shows a follow-up inside its parent, in place of the answer that opens it', () => {
    const { factors } = buildDashboard(counts, context, WEEK).checks;
    const individual = factors.find((f) => f.level === 'individual')!;
    const minor = individual.questions.find((t) => t.id === 'answers-ind.minor')!;
    expect(minor.columns.map((c) => [c.key, c.label])).toEqual([
      ['ind.minor_alone:with_adult', 'Yes → Yes, with an adult'],
      ['ind.minor_alone:alone', 'Yes → No, I am alone'],
      ['ind.minor_alone:skip', 'Yes → Prefer not to say'],
      ['ind.minor:no', 'No'],
      ['ind.minor:skip', 'Prefer not to say'],
    ]);
    expect(minor.columns[1]).toMatchObject({ kind: 'risk', level: 'individual', trigger: 'child_alone' });
    expect(factors.flatMap((f) => f.questions).some((t) => t.id === 'answers-ind.minor_alone')).toBe(false);
    // An emergency answer is never counted, so it has no column.
    const danger = factors.find((f) => f.level === 'situational')!.questions.find((t) => t.id === 'answers-safety.danger_now')!;
    expect(danger.columns.map((c) => c.key)).toEqual(['safety.danger_now:no', 'safety.danger_now:skip']);
  });

  it('gathers the risk factors of each of the five levels by country, as the same numbers hidden alike', () => {
    const { factors, levels } = buildDashboard(counts, context, WEEK).checks;
    expect(factors.map((f) => f.level)).toEqual(['individual', 'household', 'community', 'structural', 'situational']);
    const individual = factors[0]!;
    expect(individual.prevalence.columns.map((c) => c.key)).toEqual(expect.arrayContaining(['ind.minor:yes', 'ind.minor_alone:alone', 'ind.documents:kept_by_other']));
    expect(individual.prevalence.columns.find((c) => c.key === 'ind.documents:kept_by_other')?.label).toBe('Someone else holds your passport or ID');
    expect(individual.prevalence.rows.map((r) => r.total)).toEqual(levels.rows.map((r) => r.total));
    const documents = individual.questions.find((t) => t.id === 'answers-ind.documents')!;
    expect(cellOf(individual.prevalence, 'IT', 'ind.documents:kept_by_other')).toBe(cellOf(documents, 'IT', 'ind.documents:kept_by_other'));
    // "Under 18" is the sum of what it opens, shown only when every part is.
    const minor = individual.questions.find((t) => t.id === 'answers-ind.minor')!;
    const parts = ['ind.minor_alone:with_adult', 'ind.minor_alone:alone', 'ind.minor_alone:skip'].map((key) => cellOf(minor, 'IT', key));
    expect(cellOf(individual.prevalence, 'IT', 'ind.minor:yes')).toBe(parts.includes(null) ? null : parts.reduce((a, b) => a! + b!, 0));
    expect(factors.find((f) => f.level === 'household')!.prevalence.columns.map((c) => c.key)).toContain('harm.any:household');
  });

  it('goes over time by week, cut at the ends of the period, or by day', () => {
    const byWeek = buildDashboard(counts, context, WEEK).checks.overTime;
    expect(rowLabels(byWeek)).toEqual(['2026-03-11 to 2026-03-15', '2026-03-16 to 2026-03-17']);
    expect(byWeek.rows.map((r) => r.total)).toEqual([68, 24]);
    const byDay = buildDashboard(counts, context, { ...WEEK, by: 'day' }).checks.overTime;
    expect(rowLabels(byDay)).toEqual(['2026-03-11', '2026-03-12', '2026-03-13', '2026-03-14', '2026-03-15', '2026-03-16', '2026-03-17']);
  });

  it('counts how the service was used: topics, searches without result, requests answered or not and the waits', () => {
    const { usage } = buildDashboard(counts, context, WEEK);
    expect(rowLabels(usage.topics)).toEqual(['Work, pay and your rights', 'Other topics']);
    expect(usage.topics.rows[0]!.total).toBe(30);
    expect(usage.noResults.note).toBe('The words typed are never kept.');
    // Only English had any: its 11 would tell that every other language had none.
    expect(usage.noResults.totals.total).toBe(11);
    expect(usage.noResults.totals.cells[column(usage.noResults, 'en')]).toBeNull();
    const byLanguage = usage.handoffsByLanguage;
    expect(byLanguage.columns.map((c) => c.key)).toEqual(['not_answered', 'under_1m', '1_5m', '5_15m', '15_60m', 'over_60m']);
    expect(byLanguage.rows.find((r) => r.key === 'en')?.total).toBe(12);
    expect(byLanguage.totals.total).toBe(15);
    expect(rowLabels(usage.handoffsByChannel)).toEqual(['Web chat', 'Telegram']);
    expect(usage.waitingTimes.totals.cells[column(usage.waitingTimes, '1_5m')]).toBe(10);
    // A language filter narrows the usage too; country and stage do not apply to it.
    const farsi = buildDashboard(counts, context, { ...WEEK, language: 'fa' }).usage;
    expect(farsi.topics.columns.map((c) => c.key)).toEqual(['fa']);
    expect(farsi.handoffsByLanguage.totals.total).toBeNull();
    expect(buildDashboard(counts, context, { ...WEEK, country: 'ES' }).usage).toEqual(buildDashboard(counts, context, WEEK).usage);
  });

  it('exports the same tables as CSV, one number a line, hidden ones as "fewer than 10"', () => {
    const dashboard = buildDashboard(counts, context, WEEK);
    const csv = toCsv(dashboard);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('table,row,column,value');
    expect(lines).toContain('Levels by country,Italy,Total,53');
    expect(lines).toContain(`Levels by country,Italy,${texts.en.levels.urgent},${HIDDEN}`);
    expect(lines.filter((line) => line.startsWith('Levels by country,')).length).toBe((3 + 1) * (4 + 1));
    expect(csv).toContain('"Yes → Yes, with an adult"');
    expect(smallNumbersInCsv(csv)).toEqual([]);
    // A label a spreadsheet would run as a formula is written as text.
    const farsi = toCsv(buildDashboard(counts, context, { ...WEEK, language: 'fa' }));
    expect(farsi.split('\r\n')).toContain(`"Topics opened, by language","'=HYPERLINK(""x"")",Total,12`);
  });
});

describe('the query', () => {
  const schema = dashboardQuerySchema('2026-03-14');

  it('is the last 13 weeks by week unless said otherwise', () => {
    expect(schema.parse({})).toEqual({ from: '2025-12-14', to: '2026-03-14', by: 'week' });
    expect(schema.parse({ from: '2026-01-01', to: '2026-01-31', by: 'day', country: 'IT', language: 'fa', stage: 'arrived' })).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      by: 'day',
      country: 'IT',
      language: 'fa',
      stage: 'arrived',
    });
    expect(describeQuery(schema.parse({ country: 'IT', stage: 'arrived' }))).toBe('2025-12-14..2026-03-14 by week, country IT, stage arrived');
  });

  it.each([
    [{ from: '2026-02-30' }, 'from'],
    [{ to: 'yesterday' }, 'to'],
    [{ from: '2026-03-15' }, 'from'],
    [{ from: '2024-01-01' }, 'from'],
    [{ by: 'hour' }, 'by'],
    [{ country: 'Italy' }, 'country'],
    [{ language: 'english' }, 'language'],
    [{ stage: 'lost' }, 'stage'],
  ])('refuses %j', (query, field) => {
    const parsed = schema.safeParse(query);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual([field]);
  });
});

describe('check counters read back', () => {
  it('are the groups and what they count', () => {
    expect(parseCheckCounter('stats:check:2026-03-14:v2:IT:fa:arrived:answer:ind.documents:own')).toEqual({
      day: '2026-03-14',
      version: 2,
      country: 'IT',
      language: 'fa',
      stage: 'arrived',
      what: 'answer:ind.documents:own',
    });
    expect(parseCheckCounter('stats:check:2026-03-14:2:IT:fa:arrived:checks')).toBeUndefined();
    expect(parseCheckCounter('stats:usage:2026-03-14:no_result:en')).toBeUndefined();
  });
});
