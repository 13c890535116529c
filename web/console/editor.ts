import type { HistoryView, MatrixCell, MatrixRow, MatrixView, ServicesEditView, TopicEditView } from '../../src/console/content-views.js';
import { api } from './api.js';
import { button, clock, field, h, select } from './dom.js';
import { STATUS_WORDS, type Notify } from './editor-form.js';
import { renderServicesEditor } from './editor-services.js';
import { renderTopicEditor } from './editor-topic.js';
import { languageName } from './queue.js';

interface MatrixLine {
  /** What the row is, for people and for screen readers. */
  name: string;
  head: Array<Node | string>;
  cells: MatrixRow;
  open?: (lang: string) => void;
}

/**
 * The editor area (editors and admins): the translation matrix, editing a topic in one language or
 * a country's services, the history of saves, and the download of the edits for the files.
 */
export class EditorArea {
  private readonly body = h('div');
  private filters = { lang: '', status: '' };

  constructor(
    private readonly pane: HTMLElement,
    private readonly notify: Notify,
  ) {}

  show(): void {
    const views: Array<[string, () => void]> = [
      ['Translations', () => void this.showMatrix()],
      ['Services', () => void this.showCountries()],
      ['Recent changes', () => void this.showHistory()],
      ['Export to files', () => this.showExport()],
    ];
    this.pane.replaceChildren(
      h('h2', { id: 'content-title' }, 'Content'),
      h('nav', { className: 'toolbar', attrs: { 'aria-label': 'Content views' } }, ...views.map(([label, open]) => button(label, open))),
      this.body,
    );
    void this.showMatrix();
  }

  private async load<T>(path: string): Promise<T | undefined> {
    try {
      return await api<T>('GET', path);
    } catch (error) {
      this.notify((error as Error).message, 'error');
      return undefined;
    }
  }

  private async showMatrix(): Promise<void> {
    const matrix = await this.load<MatrixView>('/content/matrix');
    if (!matrix) return;
    const language = select([{ value: '', label: 'All languages' }, ...matrix.languages.map((l) => ({ value: l, label: languageName(l) }))], this.filters.lang);
    const status = select(
      [{ value: '', label: 'Any status' }, ...(['stale', 'missing', 'unreviewed', 'current'] as const).map((s) => ({ value: s, label: STATUS_WORDS[s] }))],
      this.filters.status,
    );
    const tables = h('div');
    const draw = () => {
      this.filters = { lang: language.value, status: status.value };
      tables.replaceChildren(...this.matrixTables(matrix));
    };
    language.addEventListener('change', draw);
    status.addEventListener('change', draw);
    this.body.replaceChildren(
      h('h3', {}, 'Translations'),
      h(
        'p',
        { className: 'hours' },
        '"Stale": the English changed since this translation was made. "Not reviewed": no fluent reader has checked it yet. "Edited": changed here, not yet written to the files.',
      ),
      h('div', { className: 'row matrix-filters' }, field('Language', language), field('Status', status)),
      tables,
    );
    draw();
  }

  private matrixTables(matrix: MatrixView): HTMLElement[] {
    const langs = this.filters.lang ? [this.filters.lang as keyof MatrixRow] : matrix.languages;
    const shown = (cell: MatrixCell) => !this.filters.status || cell.status === this.filters.status;
    const table = (title: string, lines: MatrixLine[]) => {
      const visible = lines.filter((line) => langs.some((lang) => shown(line.cells[lang])));
      return h(
        'section',
        {},
        h('h4', {}, title),
        visible.length
          ? h(
              'table',
              { className: 'cases matrix' },
              h('caption', { className: 'sr' }, title),
              h('thead', {}, h('tr', {}, h('th', { attrs: { scope: 'col' } }, ''), ...langs.map((lang) => h('th', { attrs: { scope: 'col' } }, languageName(lang))))),
              h(
                'tbody',
                {},
                ...visible.map((line) =>
                  h('tr', {}, h('th', { attrs: { scope: 'row' } }, ...line.head), ...langs.map((lang) => h('td', {}, shown(line.cells[lang]) ? this.cell(line, lang, line.cells[lang]) : ''))),
                ),
              ),
            )
          : h('p', { className: 'empty' }, 'Nothing here matches the filters.'),
      );
    };
    const keyed: Array<[string, MatrixRow, string]> = [
      ['Self-check texts', matrix.assessment, 'content/assessment/text/'],
      ['Interface strings', matrix.interface, 'locales/'],
    ];
    return [
      table(
        'Topics',
        matrix.topics.map((topic) => ({
          name: topic.title,
          head: [topic.title, h('small', {}, topic.id)],
          cells: topic.cells,
          open: (lang) => void this.openTopic(topic.id, lang),
        })),
      ),
      table(
        'Countries: names and services',
        matrix.services.map((country) => ({
          name: country.name,
          head: [`${country.name} (${country.country})`, button(`Edit services of ${country.name}`, () => void this.openServices(country.country)), country.edited ? h('small', {}, 'edited') : ''],
          cells: country.cells,
        })),
      ),
      table(
        'Self-check and interface strings (edited in the files)',
        keyed.map(([name, cells, where]) => ({ name, head: [name, h('small', {}, where)], cells })),
      ),
    ];
  }

  private cell(line: MatrixLine, lang: keyof MatrixRow, cell: MatrixCell): HTMLElement {
    const words = [cell.missing ? `${cell.missing.length} missing` : STATUS_WORDS[cell.status], cell.edited ? 'edited' : ''].filter(Boolean).join(' · ');
    const label = `${line.name}, ${languageName(lang)}: ${words}`;
    const attrs: Record<string, string> = { 'aria-label': label, ...(cell.missing ? { title: cell.missing.join(', ') } : {}) };
    if (!line.open) return h('span', { className: `status ${cell.status}`, attrs }, words);
    const open = line.open;
    const element = button(words, () => open(lang), `status ${cell.status}`);
    for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
    return element;
  }

  private async openTopic(id: string, lang: string): Promise<void> {
    const view = await this.load<TopicEditView>(`/content/topics/${id}/${lang}`);
    if (view) renderTopicEditor(this.body, view, this.notify, () => void this.showMatrix());
  }

  private async openServices(country: string): Promise<void> {
    const view = await this.load<ServicesEditView>(`/content/services/${country}`);
    if (view) renderServicesEditor(this.body, view, this.notify, () => void this.showMatrix());
  }

  private async showCountries(): Promise<void> {
    const matrix = await this.load<MatrixView>('/content/matrix');
    if (!matrix) return;
    this.body.replaceChildren(
      h('h3', {}, 'Services and hotlines'),
      h('p', { className: 'hours' }, 'Pick a country. Add a number only after you have seen it on the organisation\'s own page.'),
      h('div', { className: 'toolbar' }, ...matrix.services.map((c) => button(`${c.name} (${c.country})${c.edited ? ' · edited' : ''}`, () => void this.openServices(c.country)))),
    );
  }

  private async showHistory(): Promise<void> {
    const history = await this.load<HistoryView>('/content/history');
    if (!history) return;
    this.body.replaceChildren(
      h('h3', {}, 'Recent changes'),
      history.entries.length
        ? h(
            'table',
            { className: 'cases' },
            h('caption', { className: 'sr' }, 'Saves in the console, newest first'),
            h('thead', {}, h('tr', {}, ...['When', 'Who', 'File'].map((t) => h('th', { attrs: { scope: 'col' } }, t)))),
            h('tbody', {}, ...history.entries.map((e) => h('tr', {}, h('td', {}, `${new Date(e.at).toLocaleDateString()} ${clock(e.at)}`), h('td', {}, e.actor), h('td', {}, e.path)))),
          )
        : h('p', { className: 'empty' }, 'Nothing has been changed in the console yet.'),
    );
  }

  private showExport(): void {
    const result = h('p', { attrs: { role: 'status' } });
    const download = async () => {
      const files = await this.load<Record<string, string>>('/content/export');
      if (!files) return;
      const count = Object.keys(files).length;
      if (count === 0) {
        result.textContent = 'Nothing to export: every edit is already in the files.';
        return;
      }
      const link = h('a', { attrs: { href: URL.createObjectURL(new Blob([JSON.stringify(files, null, 2)], { type: 'application/json' })), download: 'content-edits.json' } });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      result.textContent = `Downloaded ${count} file${count === 1 ? '' : 's'}: ${Object.keys(files).join(', ')}.`;
    };
    this.body.replaceChildren(
      h('h3', {}, 'Export to files'),
      h(
        'p',
        {},
        'The files in content/ are the versioned source. What is saved here is live at once, and should be written back to the files and committed, ' +
          'so that it is reviewed and kept. A developer runs "npm run content:export" (with REDIS_URL set) on a checkout of the project; ' +
          'or downloads the edits here and runs "npm run content:export -- --from content-edits.json".',
      ),
      button('Download the edited files', () => void download(), 'primary'),
      result,
    );
  }
}
