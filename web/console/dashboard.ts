import type { Cell, Table } from '../../src/analytics/dashboard.js';
import type { DashboardView } from '../../src/console/dashboard-routes.js';
import { api } from './api.js';
import { field, h, select } from './dom.js';

/**
 * The evidence dashboard (supervisors and admins): filters, simple bar charts and the tables the
 * server has already suppressed. Nothing here decides what may be shown: a hidden number arrives
 * as null and is written as the server's word for it ("fewer than 10").
 */
export async function showDashboard(pane: HTMLElement, notify: (text: string, kind?: 'error' | 'info') => void): Promise<void> {
  const results = h('div', { className: 'evidence' });
  const download = h('a', { className: 'button', attrs: { href: '/console/api/stats/csv', download: '' } }, 'Download CSV');
  pane.replaceChildren(
    h('h2', { id: 'evidence-title' }, 'Evidence'),
    h(
      'p',
      { className: 'hours' },
      'Anonymous totals: self-checks of people who agreed to be counted, and how the service is used. ',
      'A number from fewer than 10, or one that would let someone work out such a number, reads “fewer than 10”.',
    ),
    results,
  );
  const show = async (params: URLSearchParams) => {
    try {
      const view = await api<DashboardView>('GET', `/stats?${params}`);
      download.setAttribute('href', `/console/api/stats/csv?${params}`);
      return view;
    } catch (error) {
      notify((error as Error).message, 'error');
      return undefined;
    }
  };
  const first = await show(new URLSearchParams());
  if (!first) return;
  const form = filters(first, async (params) => {
    const view = await show(params);
    if (view) results.replaceChildren(...sections(view));
  });
  results.before(form, h('p', { className: 'toolbar' }, download));
  results.replaceChildren(...sections(first));
}

function filters(view: DashboardView, apply: (params: URLSearchParams) => Promise<void>): HTMLFormElement {
  const { query, options } = view;
  const date = (value: string) => h('input', { attrs: { type: 'date', value, required: '' } });
  const all = (label: string, items: Array<{ code: string; name: string }>, value?: string) =>
    select([{ value: '', label }, ...items.map((item) => ({ value: item.code, label: item.name }))], value ?? '');
  const controls = {
    from: date(query.from),
    to: date(query.to),
    by: select([{ value: 'week', label: 'Week' }, { value: 'day', label: 'Day' }], query.by),
    country: all('All countries', options.countries, query.country),
    language: all('All languages', options.languages, query.language),
    stage: all('All stages', options.stages.map((stage) => ({ code: stage, name: stage === 'unknown' ? 'Not said' : stage.replace(/_/g, ' ') })), query.stage),
  };
  const form = h(
    'form',
    { className: 'row filters', attrs: { 'aria-label': 'Filters' } },
    field('From', controls.from),
    field('To', controls.to),
    field('Over time by', controls.by),
    field('Country', controls.country),
    field('Language', controls.language),
    field('Stage of the journey', controls.stage),
    h('button', { className: 'primary', attrs: { type: 'submit' } }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [name, control] of Object.entries(controls)) if (control.value) params.set(name, control.value);
    void apply(params);
  });
  return form;
}

function sections(view: DashboardView): Element[] {
  const { checks, usage } = view;
  const cell = (value: Cell) => (value === null ? view.hidden : String(value));
  const both = (table: Table, chart: SVGSVGElement) => [chart, tableOf(table, cell)];
  const byColumn = (table: Table) => table.columns.map((column, i) => ({ label: column.label, value: table.totals.cells[i]! }));
  return [
    h('h3', {}, `Self-checks (questions version ${view.version})`),
    ...both(checks.levels, bars('Checks by level', byColumn(checks.levels), cell)),
    ...both(checks.overTime, bars('Checks over time', checks.overTime.rows.map((row) => ({ label: row.label, value: row.total })), cell)),
    h('h3', {}, 'Factors at the five levels'),
    ...checks.factors.flatMap((factor) => [
      h('h4', {}, `${factor.level[0]!.toUpperCase()}${factor.level.slice(1)}`),
      ...(factor.prevalence.columns.length
        ? both(factor.prevalence, bars(`Risk factors at the ${factor.level} level, out of ${cell(checks.levels.totals.total)} checks`, byColumn(factor.prevalence), cell, checks.levels.totals.total))
        : [h('p', { className: 'empty' }, 'No risk factor at this level.')]),
      h('details', {}, h('summary', {}, 'Every answer to each question'), ...factor.questions.map((table) => tableOf(table, cell))),
    ]),
    ...(checks.notShown.length ? [h('p', { className: 'empty' }, `Not shown: ${checks.notShown.join(', ')}.`)] : []),
    h('h3', {}, 'Use of the service'),
    h('p', { className: 'hours' }, 'Not counted by country or stage: these tables show every country and stage.'),
    tableOf(usage.topics, cell),
    tableOf(usage.noResults, cell),
    ...both(usage.handoffsByLanguage, bars('Requests for a person, by outcome', byColumn(usage.handoffsByLanguage), cell)),
    tableOf(usage.handoffsByChannel, cell),
    tableOf(usage.waitingTimes, cell),
  ];
}

function tableOf(table: Table, cell: (value: Cell) => string): HTMLElement {
  const td = (value: Cell) => h('td', { className: value === null ? 'hidden-count' : '' }, cell(value));
  return h(
    'div',
    { className: 'table-scroll' },
    h(
      'table',
      { className: 'cases stats', attrs: { 'data-table': table.id } },
      h('caption', {}, table.title, table.note ? h('span', { className: 'note' }, ` ${table.note}`) : null),
      h('thead', {}, h('tr', {}, ...[table.rowHeader, ...table.columns.map((c) => c.label), 'Total'].map((label) => h('th', { attrs: { scope: 'col' } }, label)))),
      h('tbody', {}, ...table.rows.map((row) => h('tr', {}, h('th', { attrs: { scope: 'row' } }, row.label), ...row.cells.map(td), td(row.total)))),
      h('tfoot', {}, h('tr', {}, h('th', { attrs: { scope: 'row' } }, 'Total'), ...table.totals.cells.map(td), td(table.totals.total))),
    ),
  );
}

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * A horizontal bar for each number, against `of` (the checks, for shares) or the largest shown; a
 * hidden number gets no bar, only its words.
 */
function bars(title: string, items: Array<{ label: string; value: Cell }>, cell: (value: Cell) => string, of?: Cell): SVGSVGElement {
  const LABEL = 300;
  const WIDTH = 340;
  const LETTERS = 40;
  const ROW = 24;
  const scale = of ?? Math.max(1, ...items.map((item) => item.value ?? 0));
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${LABEL + WIDTH + 120} ${items.length * ROW + 8}`, role: 'img', 'aria-label': title });
  chart.append(svg('title', {}, title));
  items.forEach((item, i) => {
    const y = i * ROW + 4;
    const width = item.value === null || !scale ? 0 : Math.max(1, Math.round((item.value / scale) * WIDTH));
    // Long names are cut to fit; the whole name shows on hover and is in the table below.
    const name = svg('text', { x: 0, y: y + 16 }, item.label.length > LETTERS ? `${item.label.slice(0, LETTERS - 1)}…` : item.label);
    name.append(svg('title', {}, item.label));
    chart.append(
      name,
      ...(width ? [svg('rect', { x: LABEL, y, width, height: ROW - 6, class: 'bar' })] : []),
      svg('text', { x: LABEL + width + 6, y: y + 16, class: item.value === null ? 'hidden-count' : '' }, cell(item.value)),
    );
  });
  return chart;
}
