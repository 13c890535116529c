import type { MeView, QueueView } from '../../src/console/views.js';
import type { HandoffEvent } from '../../src/handoff/handoff-service.js';
import { api, ApiError, setCsrfToken, whenSignedOut } from './api.js';
import type { ConsoleContext } from './context.js';
import { CaseScreen } from './conversation.js';
import { showDashboard } from './dashboard.js';
import { EditorArea } from './editor.js';
import { connectLive } from './live.js';
import { renderQueue, tickWaits } from './queue.js';
import { renderSupervision } from './supervision.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const signInForm = $<HTMLFormElement>('sign-in');
const signInError = $('sign-in-error');
const workspace = $('workspace');
const queuePane = $('queue-view');
const supervisionPane = $('supervision-view');
const casePane = $('case-view');
const contentPane = $('content-view');
const evidencePane = $('evidence-view');
const notice = $('notice');
const tabs = { queue: $<HTMLButtonElement>('tab-queue'), supervision: $<HTMLButtonElement>('tab-supervision'), content: $<HTMLButtonElement>('tab-content'), evidence: $<HTMLButtonElement>('tab-evidence') };

let context: ConsoleContext | undefined;
let stopLive: (() => void) | undefined;
let ticker: ReturnType<typeof setInterval> | undefined;
let openCase: CaseScreen | undefined;
let latest: QueueView | undefined;
let tab: keyof typeof tabs = 'queue';
let clockOffset = 0;
let refreshing: Promise<void> | undefined;
let refreshAgain = false;

function notify(text: string, kind: 'error' | 'info' = 'info'): void {
  notice.hidden = false;
  notice.className = kind;
  notice.textContent = text;
}

function showSignIn(message = ''): void {
  stopLive?.();
  stopLive = undefined;
  clearInterval(ticker);
  context = undefined;
  openCase = undefined;
  workspace.hidden = true;
  $('tabs').hidden = true;
  $('sign-out').hidden = true;
  $('who').textContent = '';
  notice.hidden = true;
  signInForm.hidden = false;
  signInError.textContent = message;
  $<HTMLInputElement>('password').value = '';
  $('username').focus();
}

/** Fetches the queue again; calls made while one is running coalesce into one more. */
function refreshQueue(): void {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = (async () => {
    try {
      const data = await api<QueueView>('GET', '/cases');
      clockOffset = Date.parse(data.serverTime) - Date.now();
      latest = data;
      await render();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) notify((error as Error).message, 'error');
    }
  })().finally(() => {
    refreshing = undefined;
    if (refreshAgain) {
      refreshAgain = false;
      refreshQueue();
    }
  });
}

async function render(): Promise<void> {
  if (!context || !latest || tab === 'content' || tab === 'evidence') return;
  const waiting = latest.cases.filter((c) => c.status === 'queued').length;
  document.title = waiting ? `(${waiting}) Hotline console` : 'Hotline console';
  queuePane.hidden = tab !== 'queue';
  supervisionPane.hidden = tab !== 'supervision';
  const pane = tab === 'queue' ? queuePane : supervisionPane;
  // The lists are redrawn on every change; whoever is moving through them with the keyboard keeps their place.
  const focused = focusSignature(document.activeElement, pane);
  if (tab === 'queue') renderQueue(queuePane, context, latest);
  else await renderSupervision(supervisionPane, context, latest);
  if (focused) Array.from(pane.querySelectorAll<HTMLElement>('button, select, input')).find((el) => focusSignature(el, pane) === focused)?.focus();
}

/** Names a control by what it is and which chat's line it is on, so that its redrawn twin can be found. */
function focusSignature(element: Element | null, pane: HTMLElement): string | undefined {
  if (!element || !pane.contains(element)) return undefined;
  return `${element.closest('tr')?.getAttribute('data-key') ?? ''}|${element.tagName}|${element.getAttribute('aria-label') ?? ''}|${element.closest('.field')?.querySelector('label')?.textContent ?? element.textContent}`;
}

function showCase(conversationKey: string): void {
  if (!context) return;
  openCase = new CaseScreen(casePane, context, conversationKey);
  casePane.hidden = false;
  void openCase.load(true);
}

async function claim(conversationKey: string): Promise<void> {
  try {
    await api('POST', `/cases/${encodeURIComponent(conversationKey)}/claim`);
    notify('The chat is yours. The person has been told you joined.');
    showCase(conversationKey);
  } catch (error) {
    notify((error as Error).message, 'error');
  }
  refreshQueue();
}

function onEvent(event: HandoffEvent): void {
  switch (event.type) {
    case 'queue':
      return refreshQueue();
    case 'case':
      refreshQueue();
      if (openCase?.conversationKey === event.conversationKey) void openCase.load();
      return;
    case 'message':
      if (openCase?.conversationKey === event.conversationKey) openCase.onMessage(event.entry);
      else if (event.entry.author === 'person') notify('A person you are talking with wrote a new message.');
      return;
    case 'typing':
      if (openCase?.conversationKey === event.conversationKey) openCase.onTyping(event.author);
  }
}

function start(me: MeView): void {
  setCsrfToken(me.csrfToken);
  signInForm.hidden = true;
  $('who').textContent = `${me.name} (${me.roles.join(', ')})`;
  $('sign-out').hidden = false;
  notice.hidden = true;
  tabs.queue.hidden = !me.can.work;
  tabs.content.hidden = !me.can.edit;
  tabs.evidence.hidden = !me.can.stats;
  if (!me.can.work) {
    if (!me.can.edit) return notify('Your role has no access to the queue. Ask an admin if you need it.');
    workspace.hidden = false;
    $('tabs').hidden = false;
    return selectTab('content');
  }
  selectTab('queue');
  context = { me, serverNow: () => Date.now() + clockOffset, notify, openCase: showCase, claim, refreshQueue };
  workspace.hidden = false;
  $('tabs').hidden = false;
  tabs.supervision.hidden = !me.can.supervise;
  stopLive = connectLive({
    onEvent,
    onSignedOut: () => showSignIn('Your session has ended. Please sign in again.'),
    onDropped: () => void api('GET', '/me').catch(() => undefined),
    onReconnected: () => {
      refreshQueue();
      void openCase?.load();
    },
  });
  const ticking = context;
  ticker = setInterval(() => tickWaits(ticking), 1000);
  refreshQueue();
}

function selectTab(next: typeof tab): void {
  tab = next;
  for (const [name, element] of Object.entries(tabs)) element.setAttribute('aria-pressed', String(name === next));
  contentPane.hidden = next !== 'content';
  evidencePane.hidden = next !== 'evidence';
  if (next !== 'content' && next !== 'evidence') return void render();
  queuePane.hidden = true;
  supervisionPane.hidden = true;
  if (next === 'evidence') void showDashboard(evidencePane, notify);
  else new EditorArea(contentPane, notify).show();
}

signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  signInError.textContent = '';
  try {
    await api('POST', '/session', { username: $<HTMLInputElement>('username').value, password: $<HTMLInputElement>('password').value });
    start(await api<MeView>('GET', '/me'));
  } catch (error) {
    signInError.textContent = (error as Error).message;
  }
});
$('sign-out').addEventListener('click', async () => {
  await api('DELETE', '/session').catch(() => undefined);
  showSignIn();
});
tabs.queue.addEventListener('click', () => selectTab('queue'));
tabs.supervision.addEventListener('click', () => selectTab('supervision'));
tabs.content.addEventListener('click', () => selectTab('content'));
tabs.evidence.addEventListener('click', () => selectTab('evidence'));
whenSignedOut(() => showSignIn('Your session has ended. Please sign in again.'));

api<MeView>('GET', '/me').then(start, () => showSignIn());
