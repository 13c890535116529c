import { post, resume, start, type Activity, type Session } from './directline.js';
import { renderMarkdown } from './markdown.js';

/** Interface strings of the page, per language; put in at build time from locales/<lang>/. */
declare const __STRINGS__: Record<string, Record<string, string>>;
const STRINGS = __STRINGS__;
const RTL = ['ar', 'fa'];
const STORAGE_KEY = 'chat';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const log = $<HTMLElement>('log');
const actions = $<HTMLElement>('actions');
const statusLine = $<HTMLElement>('status');
const form = $<HTMLFormElement>('form');
const input = $<HTMLInputElement>('input');

let session: Session | undefined;
let socket: WebSocket | undefined;
let language = pickLanguage(navigator.languages ?? [navigator.language]);
let exiting = false;
let retryDelay = 1000;
const shown = new Set<string>();

function pickLanguage(tags: readonly string[]): string {
  for (const tag of tags) {
    const base = tag.toLowerCase().split('-')[0] ?? '';
    if (STRINGS[base]) return base;
  }
  return 'en';
}

/** Sets the page's language and direction, and the words of its own buttons. */
function applyLanguage(lang: string): void {
  if (!STRINGS[lang]) return;
  language = lang;
  const s = STRINGS[lang]!;
  document.documentElement.lang = lang;
  document.documentElement.dir = RTL.includes(lang) ? 'rtl' : 'ltr';
  document.title = s.title ?? '';
  $('title').textContent = s.title ?? '';
  $('exit').textContent = s.quickExit ?? '';
  $('send').textContent = s.send ?? '';
  $('input-label').textContent = s.placeholder ?? '';
  input.placeholder = s.placeholder ?? '';
  actions.setAttribute('aria-label', s.menu ?? '');
}

function setStatus(key?: string): void {
  statusLine.hidden = !key;
  statusLine.textContent = key ? (STRINGS[language]?.[key] ?? '') : '';
}

function save(): void {
  if (session && !exiting) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

function addMessage(text: string, fromUser: boolean): void {
  const bubble = document.createElement('div');
  bubble.className = `msg ${fromUser ? 'user' : 'bot'}`;
  if (fromUser) bubble.textContent = text;
  else bubble.append(renderMarkdown(text));
  log.append(bubble);
}

function showButtons(activity: Activity): void {
  actions.replaceChildren();
  for (const action of activity.suggestedActions?.actions ?? []) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = action.title;
    button.addEventListener('click', () => void send(String(action.value), action.title));
    actions.append(button);
  }
}

let typingTimer: ReturnType<typeof setTimeout> | undefined;

/** "…" while the other side (a caseworker) is typing, for a few seconds at most. */
function showTyping(on: boolean): void {
  clearTimeout(typingTimer);
  $('typing').hidden = !on;
  if (on) typingTimer = setTimeout(() => showTyping(false), 4000);
}

function receive(activity: Activity): void {
  if (activity.id) {
    if (shown.has(activity.id)) return;
    shown.add(activity.id);
  }
  const fromUser = activity.from?.role === 'user' || activity.from?.id === session?.userId;
  if (activity.type === 'typing' && !fromUser) showTyping(true);
  if (activity.type !== 'message') return;
  if (!fromUser) showTyping(false);
  if (fromUser) {
    addMessage(activity.channelData?.title ?? activity.text ?? '', true);
    return;
  }
  if (activity.locale) applyLanguage(activity.locale.slice(0, 2));
  if (activity.text) addMessage(activity.text, false);
  showButtons(activity);
}

async function send(text: string, buttonTitle?: string): Promise<void> {
  if (!session || !text.trim()) return;
  actions.replaceChildren();
  const activity: Activity = { type: 'message', text, locale: language };
  if (buttonTitle) activity.channelData = { postBack: true, title: buttonTitle };
  try {
    await post(session, activity);
    setStatus();
  } catch {
    // Nothing is lost: what was typed goes back into the box to send again.
    if (!buttonTitle && !input.value) input.value = text;
    setStatus(navigator.onLine ? 'retry' : 'offline');
  }
}

function openStream(url: string): void {
  socket = new WebSocket(url);
  socket.onopen = () => {
    retryDelay = 1000;
    setStatus();
  };
  socket.onmessage = (event: MessageEvent<string>) => {
    if (!event.data) return; // keep-alive
    const set = JSON.parse(event.data) as { activities?: Activity[]; watermark?: string };
    for (const activity of set.activities ?? []) receive(activity);
    // Once the buttons are in place (they shorten the log), so the newest message is not left under them.
    if (set.activities?.length) log.lastElementChild?.scrollIntoView({ block: 'end' });
    if (session && set.watermark) session.watermark = set.watermark;
    save();
  };
  socket.onclose = (event) => {
    if (exiting || event.code === 4000) return;
    setStatus(navigator.onLine ? 'reconnecting' : 'offline');
    setTimeout(() => void connect(), retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15_000);
  };
}

/** Starts a conversation, or resumes the one this tab had, from its watermark. */
async function connect(): Promise<void> {
  if (exiting) return;
  try {
    if (session) {
      try {
        openStream(await resume(session));
        save();
        return;
      } catch (error) {
        // An expired or unknown conversation starts afresh; a network error retries the same one.
        if (!(error as { status?: number }).status) throw error;
        session = undefined;
      }
    }
    const started = await start();
    session = started.session;
    save();
    openStream(started.streamUrl);
    await post(session, { type: 'event', name: 'webchat/join', locale: navigator.language });
  } catch {
    setStatus(navigator.onLine ? 'reconnecting' : 'offline');
    setTimeout(() => void connect(), retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15_000);
  }
}

/** Leaves at once for a neutral page, leaving no trace of the chat in this tab or its history. */
function quickExit(): void {
  exiting = true;
  socket?.close();
  sessionStorage.clear();
  log.replaceChildren();
  actions.replaceChildren();
  input.value = '';
  const target = document.querySelector<HTMLMetaElement>('meta[name="quick-exit"]')?.content || 'about:blank';
  window.location.replace(target);
}

$('exit').addEventListener('click', quickExit);
let lastEscape = 0;
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  // Two presses of Escape within a second also leave: fast, and hard to do by accident.
  if (event.timeStamp - lastEscape < 1000) quickExit();
  lastEscape = event.timeStamp;
});
let lastTypingSent = 0;
input.addEventListener('input', () => {
  // At most every three seconds: a caseworker sees that the person is writing.
  if (!session || Date.now() - lastTypingSent < 3000) return;
  lastTypingSent = Date.now();
  void post(session, { type: 'typing' }).catch(() => undefined);
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value;
  input.value = '';
  void send(text);
});
window.addEventListener('online', () => setStatus());
window.addEventListener('offline', () => setStatus('offline'));

applyLanguage(language);
try {
  const saved = sessionStorage.getItem(STORAGE_KEY);
  // After a reload the page is empty: fetch the whole conversation again, not only what is new.
  if (saved) session = { ...(JSON.parse(saved) as Session), watermark: '' };
} catch {
  sessionStorage.removeItem(STORAGE_KEY);
}
setStatus('connecting');
void connect();
