import type { RefusalView, ServicesEditView } from '../../src/console/content-views.js';
import type { ServiceFields } from '../../src/content/editing.js';
import { api, ApiError } from './api.js';
import { button, h, select } from './dom.js';
import { FieldErrors, words, type Notify } from './editor-form.js';

type Entry = ServicesEditView['services'][number];

interface Row {
  element: HTMLElement;
  errors: FieldErrors;
  read(): ServiceFields & { confirmed: boolean };
}

/** One service as a group of fields; `checked` is shown, and set by the server on save. */
function entryRow(entry: Partial<Entry>, kinds: readonly string[], remove: (row: Row) => void): Row {
  const errors = new FieldErrors();
  const input = (value: string | undefined, attrs: Record<string, string> = {}) => {
    const control = h('input', { attrs: { autocomplete: 'off', ...attrs } });
    control.value = value ?? '';
    return control;
  };
  const kind = select(kinds.map((k) => ({ value: k, label: k.replace(/_/g, ' ') })), entry.kind);
  const organisation = input(entry.organisation);
  const phone = input(entry.phone, { inputmode: 'tel' });
  const web = input(entry.web, { type: 'url' });
  const hours = input(entry.hours);
  const spoken = input(entry.languages?.join(', '));
  const source = input(entry.source, { type: 'url' });
  const confirmed = h('input', { attrs: { type: 'checkbox' } });
  const row: Row = {
    element: h('fieldset', { className: 'service' }),
    errors,
    read: () => ({
      kind: kind.value,
      organisation: organisation.value,
      phone: phone.value,
      web: web.value,
      hours: hours.value,
      languages: words(spoken.value),
      source: source.value,
      confirmed: confirmed.checked,
    }),
  };
  row.element.append(
    h('legend', {}, entry.organisation || 'New entry'),
    h(
      'div',
      { className: 'row' },
      errors.field('kind', 'Kind', kind),
      errors.field('organisation', 'Organisation', organisation),
      errors.field('phone', 'Phone (as dialled in the country)', phone),
      errors.field('web', 'Website (https://)', web),
      errors.field('hours', 'Hours', hours),
      errors.field('languages', 'Languages (codes, separated by commas)', spoken),
      errors.field('source', 'Source page (https://)', source),
    ),
    h('p', { className: 'hours' }, entry.checked ? `Last checked ${entry.checked}.` : 'New: checked today when saved.', ' A changed entry is marked checked today.'),
    h('label', { className: 'check' }, confirmed, ' I compared this entry with its source today'),
    errors.general,
    button('Remove this entry', () => remove(row), 'danger'),
  );
  return row;
}

/** A country's services and hotlines, entry by entry; saving sets `checked` to today where something changed. */
export function renderServicesEditor(target: HTMLElement, opened: ServicesEditView, notify: Notify, back: () => void): void {
  let view = opened;
  const form = new FieldErrors();
  const list = h('div');
  let rows: Row[] = [];
  const remove = (row: Row) => {
    rows = rows.filter((r) => r !== row);
    row.element.remove();
  };
  const add = (entry: Partial<Entry>) => {
    const row = entryRow(entry, view.kinds, remove);
    rows.push(row);
    list.append(row.element);
    return row;
  };
  const draw = () => {
    list.replaceChildren();
    rows = [];
    view.services.forEach(add);
  };
  const status = h('p', { className: 'hours' });
  const drawStatus = () => (status.textContent = view.edited ? 'Edited in the console, not yet written to the files.' : '');

  const save = async (): Promise<void> => {
    form.clear();
    for (const row of rows) row.errors.clear();
    try {
      view = await api<ServicesEditView>('PUT', `/content/services/${view.country}`, { version: view.version, services: rows.map((r) => r.read()) });
      draw();
      drawStatus();
      notify('Saved. The chat uses the new services now.');
    } catch (error) {
      const refusal = error instanceof ApiError ? (error.body as RefusalView) : undefined;
      if (error instanceof ApiError && error.status === 422) {
        // "services.2.phone": the phone of the third entry.
        form.show(refusal, view.path, ([group, index, ...field], message) => group === 'services' && rows[Number(index)]?.errors.mark(field, message) === true);
      } else if (error instanceof ApiError && error.status === 409 && refusal?.current && 'country' in refusal.current) {
        const current = refusal.current;
        // Saving again now replaces what is there: the editor has been told and can look first.
        view = { ...view, version: current.version };
        form.general.replaceChildren(
          error.message,
          ' ',
          button('Show the saved version instead of mine', () => {
            view = current;
            form.clear();
            draw();
          }),
        );
      } else {
        notify((error as Error).message, 'error');
      }
    }
  };

  draw();
  drawStatus();
  target.replaceChildren(
    h('h3', { id: 'services-title', attrs: { tabindex: '-1' } }, `Services in ${view.name} (${view.country})`),
    status,
    h(
      'form',
      {
        on: {
          submit: (event) => {
            event.preventDefault();
            void save();
          },
        },
      },
      form.general,
      list,
      h(
        'div',
        { className: 'toolbar' },
        button('Add an entry', () => add({}).element.querySelector('input')?.focus()),
        h('button', { className: 'primary', attrs: { type: 'submit' } }, 'Save'),
        button('Back to the matrix', back),
      ),
    ),
  );
  target.querySelector<HTMLElement>('#services-title')?.focus();
}
