import {
  FACTOR_LEVELS,
  RESULT_LEVELS,
  SKIP,
  type AssessmentDefinition,
  type AssessmentQuestion,
  type AssessmentText,
  type FactorLevel,
} from '../assessment/definition.js';
import { z } from 'zod';
import type { Store } from '../store/store.js';
import { CHECK_TOTALS_RETENTION_DAYS, ID_PATTERNS, parseCheckCounter } from './check-totals.js';
import { suppress } from './suppression.js';
import { parseUsageCounter, WAIT_BUCKETS } from './usage-totals.js';

/**
 * The evidence dashboard: the anonymous totals (check-totals.ts, usage-totals.ts) read back into
 * tables for program staff, every one of them suppressed on its own numbers (suppression.ts) after
 * the filters are applied, so that a view narrowed to a small group obeys the rule as well.
 * Everything here but `readCounts` is pure.
 */

/** How a hidden number reads, in the JSON (as null), on the page and in the CSV. */
export const HIDDEN = 'fewer than 10';

/** The stages a check is counted with; `unknown` while the conversation has no such setting. */
export const COUNTED_STAGES = ['planning', 'transit', 'arrived', 'returning', 'unknown'] as const;

/** The most days one view spans: as long as the totals are kept. */
const MAX_DAYS = CHECK_TOTALS_RETENTION_DAYS;
const DEFAULT_DAYS = 91;

export interface DashboardQuery {
  /** first and last day, YYYY-MM-DD (UTC), both included */
  from: string;
  to: string;
  /** rows of the tables over time */
  by: 'day' | 'week';
  country?: string;
  language?: string;
  stage?: string;
}

export interface Column {
  key: string;
  label: string;
  /** Answers only: what kind of factor the answer is, at which of the five levels, and the urgent trigger it fires. */
  kind?: 'risk' | 'protection' | 'neutral' | 'skip';
  level?: FactorLevel;
  trigger?: string;
}

/** A number, or null where it is hidden ("fewer than 10"). */
export type Cell = number | null;

export interface Table {
  id: string;
  title: string;
  note?: string;
  rowHeader: string;
  columns: Column[];
  rows: Array<{ key: string; label: string; cells: Cell[]; total: Cell }>;
  totals: { cells: Cell[]; total: Cell };
}

export interface Dashboard {
  query: DashboardQuery;
  /** The version of the questions shown: answers to other versions are not added in. */
  version: number;
  hidden: typeof HIDDEN;
  checks: {
    levels: Table;
    overTime: Table;
    /** The five levels of factors: the risk factors at each, by country, and every question's answers. */
    factors: Array<{ level: FactorLevel; prevalence: Table; questions: Table[] }>;
    /** Follow-up questions the tables cannot show without a number that could be subtracted. */
    notShown: string[];
  };
  usage: {
    topics: Table;
    noResults: Table;
    handoffsByLanguage: Table;
    handoffsByChannel: Table;
    waitingTimes: Table;
  };
}

export interface DashboardContext {
  definition: AssessmentDefinition;
  /** The self-check's wording in English, for the names of levels, questions and answers. */
  words: AssessmentText;
  topicTitle(id: string): string | undefined;
  languages: readonly string[];
  /** The channels people write on, id → name; others found in the totals are listed by id. */
  channels: Readonly<Record<string, string>>;
}

type CheckCount = NonNullable<ReturnType<typeof parseCheckCounter>> & { value: number };
type UsageCount = NonNullable<ReturnType<typeof parseUsageCounter>> & { value: number };

export interface Counts {
  checks: CheckCount[];
  usage: UsageCount[];
}

/** Every total in the store (both kinds of names begin with `stats:`). */
export async function readCounts(store: Pick<Store, 'keys' | 'counters'>): Promise<Counts> {
  const names = await store.keys('stats:');
  const values = await store.counters(names);
  const counts: Counts = { checks: [], usage: [] };
  names.forEach((name, i) => {
    const value = values[i]!;
    const check = parseCheckCounter(name);
    if (check) counts.checks.push({ ...check, value });
    const usage = parseUsageCounter(name);
    if (usage) counts.usage.push({ ...usage, value });
  });
  return counts;
}

// ---- the query ----

const DAY_MS = 24 * 3600 * 1000;
const addDays = (day: string, days: number) => new Date(Date.parse(day) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** The query from a request's parameters: the last 13 weeks by week unless said otherwise. */
export function dashboardQuerySchema(today: string): z.ZodType<DashboardQuery> {
  const day = z
    .string()
    .regex(ID_PATTERNS.day, 'must be a day, YYYY-MM-DD')
    .refine((value) => !Number.isNaN(Date.parse(value)) && addDays(value, 0) === value, 'must be a day, YYYY-MM-DD');
  return z
    .object({
      from: day.optional(),
      to: day.optional(),
      by: z.enum(['day', 'week']).default('week'),
      country: z.string().regex(ID_PATTERNS.country, 'must be a country code, INT or unknown').optional(),
      language: z.string().regex(ID_PATTERNS.language, 'must be a language code').optional(),
      stage: z.enum(COUNTED_STAGES).optional(),
    })
    .transform(({ from: givenFrom, to: givenTo, ...rest }, ctx) => {
      const to = givenTo ?? today;
      const from = givenFrom ?? addDays(to, 1 - DEFAULT_DAYS);
      const problem = from > to ? 'must not be after to' : daysBetween(from, to) >= MAX_DAYS ? `a view spans at most ${MAX_DAYS} days` : undefined;
      if (problem) ctx.addIssue({ code: 'custom', path: ['from'], message: problem });
      return { from, to, ...rest };
    });
}

/** The query in a few words, for the audit log. */
export function describeQuery(query: DashboardQuery): string {
  return [`${query.from}..${query.to} by ${query.by}`, query.country && `country ${query.country}`, query.language && `language ${query.language}`, query.stage && `stage ${query.stage}`]
    .filter(Boolean)
    .join(', ');
}

// ---- axes: the rows or columns of a table, and which raw values fall in each ----

interface Axis {
  items: Column[];
  keyOf(raw: string): string | undefined;
}

function listAxis(items: Column[]): Axis {
  const keys = new Set(items.map((item) => item.key));
  return { items, keyOf: (raw) => (keys.has(raw) ? raw : undefined) };
}

/** The key of the row the values without a row of their own share. */
const OTHERS = '*';

/**
 * For open-ended lists (countries, topics): each value with at least 10 gets a row of its own,
 * the rest share one, which is topped up from the smallest named rows until it has 10 too. A value
 * seen fewer than 10 times is never named, so no row says "this one was seen at all".
 */
function pooledAxis(totals: ReadonlyMap<string, number>, label: (key: string) => string, shared: { others: string; all: string }): Axis {
  const named = [...totals].filter(([, total]) => total >= 10).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  let pooled = [...totals].reduce((sum, [, total]) => sum + (total < 10 ? total : 0), 0);
  while (pooled > 0 && pooled < 10 && named.length > 0) pooled += named.pop()![1];
  const own = new Set(named.map(([key]) => key));
  const items = named.map(([key]) => ({ key, label: label(key) }));
  // A table needs a row; with nothing named, the shared row is all there is.
  if (pooled > 0 || items.length === 0) items.push({ key: OTHERS, label: items.length ? shared.others : shared.all });
  return { items, keyOf: (raw) => (own.has(raw) ? raw : OTHERS) };
}

function periodAxis(query: DashboardQuery): Axis {
  const minDay = (a: string, b: string) => (a < b ? a : b);
  const items: Column[] = [];
  for (let start = query.from; start <= query.to; ) {
    // Weeks run Monday to Sunday; the first and the last are cut at the period's ends.
    const end = query.by === 'day' ? start : minDay(addDays(start, 6 - ((new Date(start).getUTCDay() + 6) % 7)), query.to);
    items.push({ key: start, label: start === end ? start : `${start} to ${end}` });
    start = addDays(end, 1);
  }
  const starts = items.map((item) => item.key);
  return { items, keyOf: (day) => starts.findLast((start) => start <= day) };
}

// ---- tables ----

interface Entry {
  row: string;
  column: string;
  value: number;
}

function table(id: string, title: string, rowHeader: string, rows: Axis, columns: Axis, entries: Entry[], note?: string): Table {
  const index = (axis: Axis) => new Map(axis.items.map((item, i) => [item.key, i]));
  const rowIndex = index(rows);
  const columnIndex = index(columns);
  const values = rows.items.map(() => columns.items.map(() => 0));
  for (const entry of entries) {
    const r = rowIndex.get(rows.keyOf(entry.row) ?? '');
    const c = columnIndex.get(columns.keyOf(entry.column) ?? '');
    if (r !== undefined && c !== undefined) values[r]![c]! += entry.value;
  }
  const suppressed = suppress(values);
  return {
    id,
    title,
    ...(note && { note }),
    rowHeader,
    columns: columns.items,
    rows: rows.items.map((item, r) => ({ key: item.key, label: item.label, cells: suppressed.cells[r]!, total: suppressed.rowTotals[r]! })),
    totals: { cells: suppressed.columnTotals, total: suppressed.total },
  };
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

export function countryName(code: string): string {
  if (code === 'unknown') return 'Not said';
  if (code === 'INT') return 'Another country';
  return regionNames.of(code) ?? code;
}

export function languageName(code: string): string {
  return languageNames.of(code) ?? code;
}

// ---- answers: one table per question, follow-ups folded into their parent ----

interface AnswerLayout {
  /** the columns of each question that has a table of its own */
  columns: Map<string, Column[]>;
  /** `question:option` of each answer that is a column → the question whose table it is in */
  place: Map<string, string>;
  /** `question:option` of each answer → the columns it is the sum of (itself, or what it opens) */
  shownAs: Map<string, string[]>;
  notShown: string[];
}

/**
 * A follow-up (asked only after some answers of its parent) is shown inside its parent's table,
 * in place of the answers that open it: "Yes → with an adult", "Yes → alone", "Yes → prefer not
 * to say". The parent's own count of those answers is not shown, since it is their sum: a table of
 * its own would let one subtract it. A follow-up opened by an answer that already opens another
 * cannot be folded as well, and is left out.
 */
function answerLayout(definition: AssessmentDefinition, words: AssessmentText): AnswerLayout {
  const layout: AnswerLayout = { columns: new Map(), place: new Map(), shownAs: new Map(), notShown: [] };
  const opens = new Map<string, AssessmentQuestion>();
  for (const question of definition.questions) {
    if (!question.when) continue;
    const keys = question.when.answer_in.map((option) => `${question.when!.question}:${option}`);
    if (keys.some((key) => opens.has(key))) layout.notShown.push(question.id);
    else for (const key of keys) opens.set(key, question);
  }
  const text = (question: string) => words.questions[question];

  const columnsOf = (question: AssessmentQuestion, table: string, prefix: string): Column[] => {
    const folded = new Set<string>();
    const columns: Column[] = [];
    for (const option of question.options) {
      // An emergency answer ends the check before the question about counting: never counted.
      if (option.emergency) continue;
      const key = `${question.id}:${option.id}`;
      const followUp = opens.get(key);
      if (followUp) {
        if (folded.has(followUp.id)) continue;
        folded.add(followUp.id);
        const { answer_in: openers } = followUp.when!;
        const openedBy = openers.map((id) => text(question.id)?.options[id] ?? id).join(' or ');
        const inside = columnsOf(followUp, table, `${prefix}${openedBy} → `);
        // Answers opening it together are counted together: neither has a count of its own.
        if (openers.length === 1) layout.shownAs.set(key, inside.map((column) => column.key));
        columns.push(...inside);
        continue;
      }
      layout.place.set(key, table);
      layout.shownAs.set(key, [key]);
      columns.push({
        key,
        label: prefix + (text(question.id)?.options[option.id] ?? option.id),
        kind: option.weight > 0 ? 'risk' : option.weight < 0 ? 'protection' : 'neutral',
        level: option.level ?? question.level,
        ...(option.trigger && { trigger: option.trigger }),
      });
    }
    const skip = `${question.id}:${SKIP}`;
    layout.place.set(skip, table);
    return [...columns, { key: skip, label: prefix + words.skip, kind: 'skip', level: question.level }];
  };

  for (const question of definition.questions) {
    if (!question.when) layout.columns.set(question.id, columnsOf(question, question.id, ''));
  }
  return layout;
}

/**
 * A table made of cells of other tables with the same rows, for another view of the same numbers:
 * each column is one cell of a table, or the sum of cells of one row, shown only when all of them
 * are, so that it tells nothing they do not.
 */
function gather(id: string, title: string, note: string, from: Table, picks: Array<{ column: Column; table: Table; sumOf: number[] }>): Table {
  const add = (cells: Cell[]) => (cells.includes(null) ? null : cells.reduce<number>((sum, cell) => sum + cell!, 0));
  return {
    id,
    title,
    note,
    rowHeader: from.rowHeader,
    columns: picks.map((pick) => pick.column),
    rows: from.rows.map((row, r) => ({ ...row, cells: picks.map(({ table, sumOf }) => add(sumOf.map((c) => table.rows[r]!.cells[c]!))) })),
    totals: { cells: picks.map(({ table, sumOf }) => add(sumOf.map((c) => table.totals.cells[c]!))), total: from.totals.total },
  };
}

// ---- the dashboard ----

export function buildDashboard(counts: Counts, context: DashboardContext, query: DashboardQuery): Dashboard {
  const { definition, words } = context;
  const inPeriod = (day: string) => day >= query.from && day <= query.to;
  const checks = counts.checks.filter(
    (c) =>
      c.version === definition.version &&
      inPeriod(c.day) &&
      (!query.country || c.country === query.country) &&
      (!query.language || c.language === query.language) &&
      (!query.stage || c.stage === query.stage),
  );
  const periods = periodAxis(query);
  const what = (prefix: string) =>
    checks.filter((c) => c.what.startsWith(prefix)).map((c) => ({ ...c, key: c.what.slice(prefix.length) }));

  // Countries: every check table has the same rows, made from the checks per country.
  const levelCounts = what('level:');
  const perCountry = new Map<string, number>();
  for (const c of levelCounts) perCountry.set(c.country, (perCountry.get(c.country) ?? 0) + c.value);
  const countries = query.country
    ? listAxis([{ key: query.country, label: countryName(query.country) }])
    : pooledAxis(perCountry, countryName, { others: 'Other countries', all: 'All countries' });

  // An emergency ends the check before the question about counting, so it is never a counted level.
  const levels = listAxis(RESULT_LEVELS.filter((level) => level !== 'emergency').map((level) => ({ key: level, label: words.levels[level] })));
  const levelTable = table('levels', 'Levels by country', 'Country', countries, levels, levelCounts.map((c) => ({ row: c.country, column: c.key, value: c.value })));
  const overTime = table('levels-over-time', 'Levels over time', query.by === 'day' ? 'Day' : 'Week', periods, levels, levelCounts.map((c) => ({ row: c.day, column: c.key, value: c.value })));

  const layout = answerLayout(definition, words);
  const answers = what('answer:');
  const questionTables = new Map<string, Table>();
  for (const [question, columns] of layout.columns) {
    const entries = answers.flatMap((c) => (layout.place.get(c.key) === question ? [{ row: c.country, column: c.key, value: c.value }] : []));
    questionTables.set(question, table(`answers-${question}`, words.questions[question]?.text ?? question, 'Country', countries, listAxis(columns), entries));
  }
  // Every risk an answer can be, at its level: "under 18" too, which is shown as what it opens.
  const risks = definition.questions.flatMap((question) =>
    question.options.flatMap((option) => {
      const key = `${question.id}:${option.id}`;
      const sumOf = layout.shownAs.get(key);
      if (option.weight <= 0 || option.emergency || !sumOf) return [];
      const source = questionTables.get(layout.place.get(sumOf[0]!)!)!;
      const column: Column = {
        key,
        label: words.questions[question.id]?.factors?.[option.id] ?? key,
        kind: 'risk',
        level: option.level ?? question.level,
        ...(option.trigger && { trigger: option.trigger }),
      };
      return [{ column, table: source, sumOf: sumOf.map((part) => source.columns.findIndex((c) => c.key === part)) }];
    }),
  );
  const factors = FACTOR_LEVELS.map((level) => ({
    level,
    prevalence: gather(
      `risks-${level}`,
      `Risk factors at the ${level} level, by country`,
      'A check can show several risk factors, so they do not add up to the total.',
      levelTable,
      risks.filter((risk) => risk.column.level === level),
    ),
    questions: definition.questions.flatMap((question) => (question.level === level ? (questionTables.get(question.id) ?? []) : [])),
  }));

  return {
    query,
    version: definition.version,
    hidden: HIDDEN,
    checks: { levels: levelTable, overTime, factors, notShown: layout.notShown },
    usage: usageTables(counts.usage.filter((u) => inPeriod(u.day)), context, query, periods),
  };
}

/**
 * How the service was used. These totals have no country or stage: those filters do not apply.
 * A request for a person is "not answered" when no caseworker wrote to the person (yet), else
 * counted by how long the person waited.
 */
function usageTables(usage: UsageCount[], context: DashboardContext, query: DashboardQuery, periods: Axis): Dashboard['usage'] {
  // Every usage table has the same languages, so that the totals they share are the same numbers.
  const shown = query.language ? [query.language] : context.languages;
  const inLanguage = usage.filter((u) => shown.includes(u.event.language));
  const languages = listAxis(shown.map((key) => ({ key, label: languageName(key) })));
  const periodHeader = query.by === 'day' ? 'Day' : 'Week';

  const topicCounts = inLanguage.flatMap((u) => (u.event.kind === 'topic' ? [{ row: u.event.topic, column: u.event.language, value: u.value }] : []));
  const perTopic = new Map<string, number>();
  for (const entry of topicCounts) perTopic.set(entry.row, (perTopic.get(entry.row) ?? 0) + entry.value);
  const topics = pooledAxis(perTopic, (id) => context.topicTitle(id) ?? id, { others: 'Other topics', all: 'All topics' });

  const noResults = inLanguage.flatMap((u) => (u.event.kind === 'no_result' ? [{ row: u.day, column: u.event.language, value: u.value }] : []));

  // Each request per day, language and channel: answered after a wait, or not (yet).
  const requests = new Map<string, { day: string; language: string; channel: string; asked: number; waits: Map<string, number> }>();
  for (const u of inLanguage) {
    if (u.event.kind !== 'handoff') continue;
    const { language, channel, outcome } = u.event;
    const key = `${u.day}:${language}:${channel}`;
    const group = requests.get(key) ?? { day: u.day, language, channel, asked: 0, waits: new Map() };
    requests.set(key, group);
    if (outcome === 'asked') group.asked += u.value;
    else group.waits.set(outcome, u.value);
  }
  const outcomes = listAxis([{ key: 'not_answered', label: 'Not answered' }, ...WAIT_BUCKETS.map((b) => ({ key: b.id, label: `Answered, ${b.label}` }))]);
  const handoffs = [...requests.values()].flatMap((group) => {
    const answered = [...group.waits].map(([outcome, value]) => ({ ...group, outcome, value }));
    // A request made before these totals began can be answered without having been counted.
    const notAnswered = Math.max(0, group.asked - answered.reduce((sum, a) => sum + a.value, 0));
    return [...answered, { ...group, outcome: 'not_answered', value: notAnswered }];
  });
  const channelKeys = [...new Set([...Object.keys(context.channels), ...handoffs.map((h) => h.channel)])];
  const channels = listAxis(channelKeys.map((key) => ({ key, label: context.channels[key] ?? key })));
  const byRow = (row: (h: (typeof handoffs)[number]) => string) => handoffs.map((h) => ({ row: row(h), column: h.outcome, value: h.value }));

  return {
    topics: table('topics', 'Topics opened, by language', 'Topic', topics, languages, topicCounts),
    noResults: table('no-results', 'Searches that found nothing, by language', periodHeader, periods, languages, noResults, 'The words typed are never kept.'),
    handoffsByLanguage: table('handoffs-by-language', 'Requests for a person, by language', 'Language', languages, outcomes, byRow((h) => h.language)),
    handoffsByChannel: table('handoffs-by-channel', 'Requests for a person, by channel', 'Channel', channels, outcomes, byRow((h) => h.channel)),
    waitingTimes: table('waiting-times', 'Requests for a person over time, by how long people waited', periodHeader, periods, outcomes, byRow((h) => h.day)),
  };
}

// ---- CSV ----

/** Every table of the dashboard, in the order the page shows them. */
export function tablesOf(dashboard: Dashboard): Table[] {
  return [
    dashboard.checks.levels,
    dashboard.checks.overTime,
    ...dashboard.checks.factors.flatMap((f) => [f.prevalence, ...f.questions]),
    ...Object.values(dashboard.usage),
  ];
}

/** Every table of the dashboard, one number a line, hidden ones written as "fewer than 10". */
export function toCsv(dashboard: Dashboard): string {
  const lines = [['table', 'row', 'column', 'value']];
  for (const t of tablesOf(dashboard)) {
    const line = (row: string, column: string, cell: Cell) => lines.push([t.title, row, column, cell === null ? HIDDEN : String(cell)]);
    for (const row of t.rows) {
      row.cells.forEach((cell, c) => line(row.label, t.columns[c]!.label, cell));
      line(row.label, 'Total', row.total);
    }
    t.totals.cells.forEach((cell, c) => line('Total', t.columns[c]!.label, cell));
    line('Total', 'Total', t.totals.total);
  }
  return `${lines.map((fields) => fields.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** Quoted when needed; a field a spreadsheet would take for a formula is made plain text. */
function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
