import type { CaseSummary, HoursView, QueueView } from '../../src/console/views.js';
import { api } from './api.js';
import type { ConsoleContext } from './context.js';
import { button, duration, field, h, select } from './dom.js';

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

export function languageName(code: string): string {
  return languageNames.of(code) ?? code;
}

export function countryName(code: string | undefined): string {
  if (!code) return 'not said';
  return code === 'INT' ? 'another country' : (regionNames.of(code) ?? code);
}

/** The caseworker's view: who is waiting (most urgent, then longest waiting, first) and their own chats. */
export function renderQueue(pane: HTMLElement, context: ConsoleContext, data: QueueView): void {
  const waiting = data.cases.filter((c) => c.status === 'queued');
  const mine = data.cases.filter((c) => c.status === 'active' && c.owner === context.me.username);
  const take = (c: CaseSummary) => [button('Open', () => context.openCase(c.conversationKey)), button('Take', () => void context.claim(c.conversationKey), 'primary')];
  pane.replaceChildren(
    h('h2', { id: 'queue-title' }, 'Queue'),
    hoursLine(data.hours),
    limitControl(context),
    h('h3', {}, `Waiting (${waiting.length})`),
    waiting.length ? caseTable(context, waiting, { caption: 'People waiting for a caseworker', actions: take }) : h('p', { className: 'empty' }, 'Nobody is waiting.'),
    h('h3', {}, `My chats (${mine.length} of ${context.me.chatLimit})`),
    mine.length
      ? caseTable(context, mine, { caption: 'Chats you have taken', actions: (c) => [button('Open', () => context.openCase(c.conversationKey), 'primary')] })
      : h('p', { className: 'empty' }, 'You have no open chats.'),
  );
}

export function hoursLine(hours: HoursView): HTMLElement {
  const holidays = hours.holidays.length ? ` · holidays: ${hours.holidays.join(', ')}` : '';
  return h('p', { className: 'hours' }, h('strong', {}, hours.open ? 'Open now' : 'Closed now'), ` · hours: ${hours.text} (${hours.timeZone})${holidays}`);
}

function limitControl(context: ConsoleContext): HTMLElement {
  const options = Array.from({ length: context.me.maxChats }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }));
  const choice = select(options, String(context.me.chatLimit));
  choice.addEventListener('change', async () => {
    try {
      const saved = await api<{ chatLimit: number }>('PUT', '/me/chat-limit', { limit: Number(choice.value) });
      context.me.chatLimit = saved.chatLimit;
      context.notify(`Your chat limit is now ${saved.chatLimit}.`);
      context.refreshQueue();
    } catch (error) {
      context.notify((error as Error).message, 'error');
    }
  });
  return h('div', { className: 'limit' }, field(`My chat limit (at most ${context.me.maxChats})`, choice));
}

interface TableOptions {
  caption: string;
  actions: (c: CaseSummary) => Node[];
  /** Supervisors also see who has each chat and how fast the first answer came. */
  supervision?: boolean;
}

/** The table scrolls sideways inside a narrow panel (beside an open chat) instead of hiding its buttons. */
export function caseTable(context: ConsoleContext, cases: CaseSummary[], options: TableOptions): HTMLElement {
  const headings = ['Priority', 'Waited', 'Language', 'Channel', 'Country', 'Self-check', ...(options.supervision ? ['With', 'First answer'] : []), 'Actions'];
  const table = h(
    'table',
    { className: 'cases' },
    h('caption', { className: 'sr' }, options.caption),
    h('thead', {}, h('tr', {}, ...headings.map((text) => h('th', { attrs: { scope: 'col' } }, text)))),
    h(
      'tbody',
      {},
      ...cases.map((c) =>
        h(
          'tr',
          { className: c.urgent ? 'urgent' : '', attrs: { 'data-key': c.conversationKey } },
          h('td', {}, c.urgent ? h('span', { className: 'badge urgent' }, 'Urgent') : 'Normal'),
          waitCell(context, c),
          h('td', {}, languageName(c.language)),
          h('td', {}, c.channel === 'directline' ? 'Web chat' : c.channel === 'telegram' ? 'Telegram' : c.channel),
          h('td', {}, countryName(c.country)),
          h('td', {}, c.level ?? 'not shared'),
          ...(options.supervision
            ? [h('td', {}, c.ownerName ?? 'waiting'), h('td', {}, c.firstResponseSeconds === undefined ? '—' : duration(c.firstResponseSeconds))]
            : []),
          h('td', {}, h('div', { className: 'actions' }, ...options.actions(c))),
        ),
      ),
    ),
  );
  return h('div', { className: 'table-scroll' }, table);
}

/** A waiting person's time keeps counting (see tickWaits); a taken chat shows the wait it had. */
function waitCell(context: ConsoleContext, c: CaseSummary): HTMLElement {
  if (c.status !== 'queued') return h('td', {}, duration(c.waitSeconds));
  const cell = h('td', { attrs: { 'data-since': c.requestedAt } });
  cell.textContent = duration((context.serverNow() - Date.parse(c.requestedAt)) / 1000);
  return cell;
}

export function tickWaits(context: ConsoleContext): void {
  document.querySelectorAll<HTMLElement>('[data-since]').forEach((cell) => {
    cell.textContent = duration((context.serverNow() - Date.parse(cell.dataset.since ?? '')) / 1000);
  });
}
