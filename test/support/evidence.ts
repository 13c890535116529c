import { recordCheckTotals } from '../../src/analytics/check-totals.js';
import { HIDDEN, tablesOf, type Dashboard } from '../../src/analytics/dashboard.js';
import { recordHandoff, recordUsage, type UsageEvent } from '../../src/analytics/usage-totals.js';
import type { ResultLevel } from '../../src/assessment/definition.js';
import type { Store } from '../../src/store/store.js';

/** Totals for tests, made through the recorders the flows use. */

export interface Checks {
  times: number;
  day: string;
  country?: string;
  language?: string;
  stage?: string;
  level?: ResultLevel;
  answers?: Record<string, string>;
  triggers?: string[];
  version?: number;
}

export async function countChecks(store: Pick<Store, 'increment'>, checks: Checks): Promise<void> {
  const { times, day, country = 'IT', language = 'en', stage = 'unknown', level = 'low', answers = {}, triggers = [], version = 1 } = checks;
  for (let i = 0; i < times; i++) {
    await recordCheckTotals(store, { answers, result: { version, level, triggers }, country, language, stage }, new Date(`${day}T12:00:00Z`));
  }
}

export async function countUsage(store: Pick<Store, 'increment'>, times: number, day: string, event: UsageEvent): Promise<void> {
  for (let i = 0; i < times; i++) await recordUsage(store, event, new Date(`${day}T12:00:00Z`));
}

/** `times` requests for a person on `day`, of which `answered` were answered after `waitSeconds`. */
export async function countHandoffs(
  store: Pick<Store, 'increment'>,
  handoffs: { times: number; answered: number; waitSeconds: number; day: string; language?: string; channel?: string },
): Promise<void> {
  const requestedAt = `${handoffs.day}T10:00:00.000Z`;
  const request = { language: handoffs.language ?? 'en', channel: handoffs.channel ?? 'directline', requestedAt };
  for (let i = 0; i < handoffs.times; i++) {
    await recordHandoff(store, request, new Date(requestedAt));
    if (i >= handoffs.answered) continue;
    const firstResponseAt = new Date(Date.parse(requestedAt) + handoffs.waitSeconds * 1000);
    await recordHandoff(store, { ...request, firstResponseAt: firstResponseAt.toISOString() }, firstResponseAt);
  }
}

/** Every number of a data cell or total under 10, named by table, row and column: there must be none. */
export function smallNumbersIn(dashboard: Dashboard): string[] {
  return tablesOf(dashboard).flatMap((table) => {
    const cells = [
      ...table.rows.flatMap((row) => [...row.cells.map((cell, c) => [row.label, table.columns[c]!.label, cell] as const), [row.label, 'Total', row.total] as const]),
      ...table.totals.cells.map((cell, c) => ['Total', table.columns[c]!.label, cell] as const),
      ['Total', 'Total', table.totals.total] as const,
    ];
    return cells.filter(([, , cell]) => cell !== null && cell < 10).map(([row, column, cell]) => `${table.id} ${row} / ${column}: ${cell}`);
  });
}

/** The same for the CSV export: its value column is a number of at least 10 or "fewer than 10". */
export function smallNumbersInCsv(csv: string): string[] {
  return csv
    .trim()
    .split('\r\n')
    .slice(1)
    .filter((line) => {
      const value = line.slice(line.lastIndexOf(',') + 1);
      return value !== HIDDEN && !(/^\d+$/.test(value) && Number(value) >= 10);
    });
}
