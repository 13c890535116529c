import type { AuditView, QueueView, StaffListView } from '../../src/console/views.js';
import { api } from './api.js';
import type { ConsoleContext } from './context.js';
import { button, clock, duration, h, select } from './dom.js';
import { caseTable, hoursLine } from './queue.js';

/** Supervisors: every chat with its owner and times, reassigning, who is online, and the audit log. */
export async function renderSupervision(pane: HTMLElement, context: ConsoleContext, data: QueueView): Promise<void> {
  const { staff } = await api<StaffListView>('GET', '/staff');
  const waiting = data.cases.filter((c) => c.status === 'queued');
  const answered = data.cases.flatMap((c) => (c.firstResponseSeconds === undefined ? [] : [c.firstResponseSeconds]));
  const longest = Math.max(0, ...waiting.map((c) => (context.serverNow() - Date.parse(c.requestedAt)) / 1000));
  const reassign = (c: QueueView['cases'][number]) => {
    const to = select([
      ...(c.status === 'active' ? [{ value: '', label: 'Back to the queue' }] : []),
      ...staff.filter((s) => s.username !== c.owner).map((s) => ({ value: s.username, label: s.name })),
    ]);
    to.setAttribute('aria-label', 'Reassign to');
    return [
      button('Open', () => context.openCase(c.conversationKey)),
      to,
      button('Reassign', async () => {
        try {
          await api('POST', `/cases/${encodeURIComponent(c.conversationKey)}/transfer`, { to: to.value || null, note: '' });
          context.notify('Reassigned.');
          context.refreshQueue();
        } catch (error) {
          context.notify((error as Error).message, 'error');
        }
      }),
    ];
  };
  const audit = h('div', { className: 'audit' });
  pane.replaceChildren(
    h('h2', { id: 'supervision-title' }, 'Supervision'),
    hoursLine(data.hours),
    h(
      'dl',
      { className: 'facts' },
      h('dt', {}, 'Waiting'),
      h('dd', {}, String(waiting.length)),
      h('dt', {}, 'Longest wait now'),
      h('dd', {}, waiting.length ? duration(longest) : '—'),
      h('dt', {}, 'Average first answer'),
      h('dd', {}, answered.length ? duration(answered.reduce((a, b) => a + b, 0) / answered.length) : '—'),
      h('dt', {}, 'Online'),
      h('dd', {}, (data.online ?? []).map((o) => o.name).join(', ') || 'nobody'),
    ),
    h('h3', {}, `Every chat (${data.cases.length})`),
    data.cases.length ? caseTable(context, data.cases, { caption: 'Every open chat', supervision: true, actions: reassign }) : h('p', { className: 'empty' }, 'No open chats.'),
    h('h3', {}, 'Audit log'),
    button('Show the latest entries', () => void loadAudit(audit, context)),
    audit,
  );
}

async function loadAudit(target: HTMLElement, context: ConsoleContext): Promise<void> {
  try {
    const { entries } = await api<AuditView>('GET', '/audit?limit=200');
    target.replaceChildren(
      h(
        'table',
        { className: 'cases' },
        h('caption', { className: 'sr' }, 'Audit log, newest first'),
        h('thead', {}, h('tr', {}, ...['Time', 'Who', 'What', 'Chat', 'Detail'].map((t) => h('th', { attrs: { scope: 'col' } }, t)))),
        h(
          'tbody',
          {},
          ...entries.map((e) =>
            h(
              'tr',
              {},
              h('td', {}, `${new Date(e.at).toLocaleDateString()} ${clock(e.at)}`),
              h('td', {}, e.actor),
              h('td', {}, e.action.replace(/_/g, ' ')),
              h('td', {}, e.conversationKey ? e.conversationKey.slice(0, 8) : ''),
              h('td', {}, e.detail ?? ''),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    context.notify((error as Error).message, 'error');
  }
}
