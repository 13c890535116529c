import type { ActionView, CannedView, CaseView, ServicesView, StaffListView } from '../../src/console/views.js';
import type { TranscriptEntry } from '../../src/handoff/handoff-service.js';
import { api, ApiError } from './api.js';
import type { ConsoleContext } from './context.js';
import { button, clock, duration, field, h, select } from './dom.js';
import { countryName, languageName } from './queue.js';

/** How long "typing…" stays up after the last sign of it. */
const TYPING_SHOWN_MS = 5000;
/** At most one typing notice to the person in this time. */
const TYPING_SENT_MS = 3000;

let services: Promise<ServicesView> | undefined;

/**
 * One conversation: what the person shared, the live chat both ways, and what staff do with it
 * (canned replies, a topic's answer, private notes, a referral, transfer, hand back, close).
 * Everything the person or staff wrote goes in as text (see dom.ts).
 */
export class CaseScreen {
  private view?: CaseView;
  private transcript = h('ol', { className: 'transcript', attrs: { role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' } });
  private typing = h('p', { className: 'typing', attrs: { role: 'status' } });
  private shown = new Set<string>();
  private typingTimer?: ReturnType<typeof setTimeout>;
  private lastTypingSent = 0;
  /** What the caseworker is writing survives the redraws that every change to the case brings. */
  private draft = '';

  constructor(
    private readonly pane: HTMLElement,
    private readonly context: ConsoleContext,
    readonly conversationKey: string,
  ) {}

  private get path(): string {
    return `/cases/${encodeURIComponent(this.conversationKey)}`;
  }

  /** Loads (or reloads) the case; `focus` moves the keyboard to its heading, for a newly opened case. */
  async load(focus = false): Promise<void> {
    const wasUrgent = this.view?.case.urgent;
    try {
      this.view = await api<CaseView>('GET', this.path);
    } catch (error) {
      this.view = undefined;
      const ended = error instanceof ApiError && error.status === 404;
      this.pane.replaceChildren(h('h2', { id: 'case-title' }, 'Chat'), h('p', { className: 'empty' }, ended ? 'This chat has ended.' : (error as Error).message));
      return;
    }
    await this.render();
    if (focus) this.pane.querySelector<HTMLElement>('#case-title')?.focus();
    // Said out loud, not only shown in the title: the person wrote words of danger.
    if (wasUrgent === false && this.view.case.urgent) this.context.notify('This chat is now urgent: the person wrote words of danger.', 'error');
  }

  onMessage(entry: TranscriptEntry & { byName?: string }): void {
    if (!this.view) return;
    this.addEntry(entry);
    if (entry.author === 'person') this.showTyping(false);
  }

  onTyping(author: string): void {
    if (author === 'person') this.showTyping(true);
  }

  private mayAct(): boolean {
    const c = this.view!.case;
    return this.context.me.can.supervise || (c.status === 'active' && c.owner === this.context.me.username);
  }

  private async render(): Promise<void> {
    const view = this.view!;
    const c = view.case;
    const status = c.status === 'queued' ? 'Waiting for a caseworker' : c.owner === this.context.me.username ? 'With you' : `With ${c.ownerName ?? c.owner}`;
    this.transcript.replaceChildren();
    this.shown.clear();
    for (const entry of view.transcript) this.addEntry(entry);
    const live = c.status === 'active' && this.mayAct();

    const parts = [
      h('h2', { id: 'case-title', attrs: { tabindex: '-1' } }, c.urgent ? 'Urgent chat' : 'Chat'),
      h(
        'dl',
        { className: 'facts' },
        ...fact('Status', status),
        ...fact('Language', languageName(c.language)),
        ...fact('Channel', c.channel === 'directline' ? 'Web chat' : c.channel),
        ...fact('Country', countryName(c.country)),
        ...fact('Waited', c.status === 'queued' ? 'waiting now' : duration(c.waitSeconds)),
      ),
      this.actions(),
      this.sharedSection(),
      h('section', { className: 'chat', attrs: { 'aria-label': 'Conversation' } }, h('h3', {}, 'Conversation'), this.transcript, this.typing),
      live ? await this.composer() : h('p', { className: 'empty' }, c.status === 'queued' ? 'Take the chat to write to the person.' : 'Only the caseworker who has this chat writes in it.'),
      this.mayAct() ? this.notesSection() : null,
      this.mayAct() ? await this.referralSection() : null,
      this.mayAct() ? await this.transferSection() : null,
    ];
    this.pane.replaceChildren(...parts.filter((part): part is HTMLElement => part !== null));
    this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  private actions(): HTMLElement {
    const c = this.view!.case;
    const end = (path: string, done: string) => async () => {
      const result = await this.act<ActionView>('POST', `${this.path}/${path}`, undefined);
      if (!result) return;
      this.context.notify(result.told ? done : `${done} The person could not be told: their channel did not answer.`, result.told ? 'info' : 'error');
      this.pane.hidden = true;
      this.context.refreshQueue();
    };
    return h(
      'div',
      { className: 'toolbar' },
      c.status === 'queued' ? button('Take this chat', () => void this.context.claim(this.conversationKey), 'primary') : null,
      this.mayAct() ? button('Hand back to the bot', () => void end('hand-back', 'The chat is back with the bot.')()) : null,
      this.mayAct() ? button('Close the chat', () => void end('close', 'The chat is closed.')(), 'danger') : null,
    );
  }

  private sharedSection(): HTMLElement {
    const { selfCheck, recentMessages } = this.view!.shared;
    const list = (items: string[]) => h('ul', {}, ...items.map((item) => h('li', {}, item)));
    return h(
      'section',
      { className: 'shared' },
      h('h3', {}, 'What the person shared'),
      selfCheck
        ? h(
            'div',
            {},
            h('p', {}, h('strong', {}, 'Self-check: '), `${selfCheck.levelText} (${selfCheck.level})`),
            selfCheck.triggers.length ? h('div', {}, h('h4', {}, 'Urgent because'), list(selfCheck.triggers)) : null,
            selfCheck.risks.length ? h('div', {}, h('h4', {}, 'What puts them at risk'), list(selfCheck.risks)) : null,
            selfCheck.protections.length ? h('div', {}, h('h4', {}, 'What protects them'), list(selfCheck.protections)) : null,
          )
        : h('p', {}, 'No self-check result shared.'),
      recentMessages.length
        ? h('div', {}, h('h4', {}, 'What they wrote to the bot'), h('ul', { className: 'recent' }, ...recentMessages.map((text) => h('li', { attrs: { dir: 'auto' } }, text))))
        : h('p', {}, 'No earlier messages shared.'),
    );
  }

  private addEntry(entry: TranscriptEntry & { byName?: string }): void {
    const signature = `${entry.at}|${entry.author}|${entry.by ?? ''}|${entry.text}`;
    if (this.shown.has(signature)) return;
    this.shown.add(signature);
    const who = entry.author === 'person' ? 'Person' : entry.author === 'staff' ? (entry.byName ?? entry.by ?? 'Staff') : 'Notice';
    this.transcript.append(
      h(
        'li',
        { className: `entry ${entry.author}` },
        h('span', { className: 'who' }, who),
        ' ',
        h('time', { attrs: { datetime: entry.at } }, clock(entry.at)),
        h('p', { className: 'text', attrs: { dir: 'auto' } }, entry.text),
      ),
    );
    this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  private showTyping(on: boolean): void {
    clearTimeout(this.typingTimer);
    this.typing.textContent = on ? 'The person is typing…' : '';
    if (on) this.typingTimer = setTimeout(() => (this.typing.textContent = ''), TYPING_SHOWN_MS);
  }

  /** Runs an action; shows the server's refusal and returns undefined when it fails. */
  private async act<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T | undefined> {
    try {
      return await api<T>(method, path, body);
    } catch (error) {
      this.context.notify((error as Error).message, 'error');
      if (error instanceof ApiError && (error.status === 404 || error.status === 403 || error.status === 409)) void this.load();
      return undefined;
    }
  }

  private async composer(): Promise<HTMLElement> {
    const input = h('textarea', { attrs: { rows: '3', dir: 'auto' } });
    input.value = this.draft;
    const send = async (path: string, body: unknown) => {
      const result = await this.act<{ entry: TranscriptEntry & { byName?: string } }>('POST', `${this.path}/${path}`, body);
      if (result) this.addEntry(result.entry);
      return Boolean(result);
    };
    const form = h('form', { className: 'composer' }, field('Message to the person', input), h('button', { className: 'primary', attrs: { type: 'submit' } }, 'Send'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      void send('messages', { text }).then((sent) => {
        if (sent) input.value = this.draft = '';
        input.focus();
      });
    });
    input.addEventListener('keydown', (event) => {
      // Enter sends, Shift+Enter starts a new line.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    input.addEventListener('input', () => {
      this.draft = input.value;
      if (Date.now() - this.lastTypingSent < TYPING_SENT_MS) return;
      this.lastTypingSent = Date.now();
      void api('POST', `${this.path}/typing`).catch(() => undefined);
    });

    const ready = await api<CannedView>('GET', `${this.path}/canned`);
    const canned = select(ready.canned.map((c) => ({ value: c.text, label: `${c.text.slice(0, 70)}${c.text.length > 70 ? '…' : ''}${c.translated ? '' : ' (English)'}` })));
    const topics = select(ready.topics.map((t) => ({ value: t.id, label: t.title })));
    return h(
      'section',
      { className: 'compose' },
      form,
      h(
        'div',
        { className: 'row' },
        field(`Canned replies (${languageName(ready.language)})`, canned),
        button('Put in the message', () => {
          input.value = this.draft = input.value ? `${input.value}\n${canned.value}` : canned.value;
          input.focus();
        }),
      ),
      h('div', { className: 'row' }, field('Send the answer of a topic', topics), button("Send the topic's answer", () => void send('topic-answers', { topicId: topics.value }))),
    );
  }

  private notesSection(): HTMLElement {
    const notes = this.view!.notes;
    const input = h('textarea', { attrs: { rows: '2', maxlength: '2000' } });
    const form = h('form', {}, field('New private note', input), h('button', { attrs: { type: 'submit' } }, 'Save note'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!input.value.trim()) return;
      if (await this.act('POST', `${this.path}/notes`, { text: input.value })) void this.load();
    });
    return h(
      'section',
      { className: 'private', attrs: { 'aria-labelledby': 'notes-title' } },
      h('h3', { id: 'notes-title' }, 'Private notes'),
      h('p', { className: 'warning' }, 'Only staff see these notes. The person never sees them.'),
      notes.length
        ? h('ul', {}, ...notes.map((n) => h('li', {}, h('span', { className: 'who' }, n.by), ' ', h('time', { attrs: { datetime: n.at } }, clock(n.at)), h('p', { className: 'text', attrs: { dir: 'auto' } }, n.text))))
        : h('p', {}, 'No notes yet.'),
      form,
    );
  }

  private async referralSection(): Promise<HTMLElement> {
    services ??= api<ServicesView>('GET', '/services');
    const { countries } = await services;
    const view = this.view!;
    const country = select(countries.map((c) => ({ value: c.code, label: c.name })), countries.some((c) => c.code === view.case.country) ? view.case.country : 'INT');
    const service = h('select');
    const fill = () => {
      const listed = countries.find((c) => c.code === country.value)?.services ?? [];
      service.replaceChildren(...listed.map((s, i) => h('option', { attrs: { value: String(i) } }, `${s.kind.replace(/_/g, ' ')}: ${s.organisation}`)));
    };
    fill();
    country.addEventListener('change', fill);
    const chosen = () => countries.find((c) => c.code === country.value)?.services[Number(service.value)];
    const record = async () => {
      const s = chosen();
      if (s && (await this.act('POST', `${this.path}/referrals`, { country: country.value, kind: s.kind, organisation: s.organisation }))) void this.load();
    };
    const intoMessage = () => {
      const s = chosen();
      const input = this.pane.querySelector<HTMLTextAreaElement>('.composer textarea');
      if (!s || !input) return;
      input.value = this.draft = [s.organisation, s.phone, s.web].filter(Boolean).join(' — ');
      input.focus();
    };
    return h(
      'section',
      { className: 'referrals' },
      h('h3', {}, 'Referrals'),
      view.referrals.length
        ? h('ul', {}, ...view.referrals.map((r) => h('li', {}, `${countryName(r.country)}: ${r.organisation} (${r.kind.replace(/_/g, ' ')}) — by ${r.by}, ${clock(r.at)}`)))
        : h('p', {}, 'No referral recorded.'),
      h('div', { className: 'row' }, field('Country', country), field('Service', service)),
      h('div', { className: 'row' }, button('Record the referral', () => void record()), button('Put its contact in the message', intoMessage)),
    );
  }

  private async transferSection(): Promise<HTMLElement> {
    const { staff } = await api<StaffListView>('GET', '/staff');
    const { owner: current, status } = this.view!.case;
    const to = select([
      ...(status === 'active' ? [{ value: '', label: 'Back to the queue' }] : []),
      ...staff.filter((s) => s.username !== current).map((s) => ({ value: s.username, label: `${s.name} (${s.username})${s.online ? ', online' : ''}` })),
    ]);
    const note = h('textarea', { attrs: { rows: '2', maxlength: '2000' } });
    const transfer = async () => {
      const result = await this.act<ActionView>('POST', `${this.path}/transfer`, { to: to.value || null, note: note.value });
      if (!result) return;
      this.context.notify(to.value ? 'The chat was transferred.' : 'The chat is back in the queue.');
      this.context.refreshQueue();
      void this.load();
    };
    return h(
      'section',
      { className: 'transfer' },
      h('h3', {}, 'Transfer'),
      h('div', { className: 'row' }, field('To', to), field('Note for whoever takes it (private)', note)),
      button('Transfer', () => void transfer()),
    );
  }
}

function fact(term: string, value: string): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}
