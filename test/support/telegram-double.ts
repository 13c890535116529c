import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Bot API double on 127.0.0.1: the methods the bot uses, over real HTTP, written against
 * Telegram's documented behaviour and knowing nothing of the server's code. `getUpdates` long-polls
 * and keeps updates until an `offset` confirms them, as Telegram does. Every call is recorded.
 *
 * Like Telegram, it refuses (400 Bad Request) a message it could not show: HTML that is not
 * Telegram's (unknown or unclosed tags, a bare `<` or `&`), an empty text or one over 4096
 * characters, a button whose callback data is not 1 to 64 bytes. Editing a message's keyboard
 * changes it: a removed button can no longer be pressed.
 */

/** The bot as `getMe` describes it. */
export const BOT_USER = { id: 4242, is_bot: true, first_name: 'Helper', username: 'help_test_bot' } as const;

/** Someone writing to the bot; their private chat has the same id. */
export interface Person {
  id: number;
  language_code?: string;
}

export interface Chat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  title?: string;
}

export interface Button {
  text: string;
  callback_data: string;
}

/** A message the bot sent. */
export interface SentMessage {
  message_id: number;
  chat_id: number;
  text: string;
  parse_mode?: string;
  reply_markup?: { inline_keyboard: Button[][] };
}

export interface ApiCall {
  method: string;
  params: Record<string, any>;
  /** False for calls answered with an injected fault, or refused as Telegram would refuse them. */
  ok: boolean;
  /** Why the call was refused (Telegram's description), for refused calls. */
  error?: string;
}

type Fault = { status: 429; retryAfter: number } | { status: 500 };

/** A call Telegram would answer with 400 Bad Request. */
class Refusal {
  constructor(readonly description: string) {}
}

/** Telegram's limit on a message's text, counted after entities are parsed. */
const MAX_TEXT = 4096;
/** The tags Telegram's HTML parse mode knows (https://core.telegram.org/bots/api#html-style). */
const HTML_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'tg-emoji', 'code', 'pre', 'blockquote']);
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export class TelegramDouble {
  readonly calls: ApiCall[] = [];
  readonly url: string;
  private updates: Array<{ update_id: number } & Record<string, unknown>> = [];
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private readonly sent: SentMessage[] = [];
  private readonly faults = new Map<string, Fault[]>();
  /** Woken on every update queued and every call received. */
  private waiters = new Set<() => void>();

  private constructor(private readonly server: Server) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async start(): Promise<TelegramDouble> {
    const server = createServer();
    // Longer than the bot's idle connections live: a connection closed just as it is reused would
    // fail a call for a reason Telegram does not have.
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const double = new TelegramDouble(server);
    server.on('request', (req, res) => void double.serve(req, res));
    return double;
  }

  async close(): Promise<void> {
    this.wake();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  // --- what people do -------------------------------------------------------------------------

  sendText(person: Person, text: string, chat: Chat = privateChat(person)): number {
    return this.sendMessage(person, chat, { text });
  }

  /** An update with a text message, not queued: for posting to a webhook. */
  textUpdate(person: Person, text: string): { update_id: number; message: Record<string, unknown> } {
    return { update_id: this.nextUpdateId++, message: this.messageFrom(person, privateChat(person), { text }) };
  }

  sendSticker(person: Person): number {
    return this.sendMessage(person, privateChat(person), {
      sticker: {
        file_id: 'sticker-file', file_unique_id: 'sticker-u', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '🙂',
      },
    });
  }

  sendVoice(person: Person): number {
    return this.sendMessage(person, privateChat(person), {
      voice: { file_id: 'voice-file', file_unique_id: 'voice-u', duration: 3, mime_type: 'audio/ogg' },
    });
  }

  editText(person: Person, messageId: number, text: string): void {
    this.enqueue({ edited_message: { ...this.messageFrom(person, privateChat(person), { text }), message_id: messageId, edit_date: now() } });
  }

  /**
   * Presses a button of a message the bot sent; fails if that message has no such button (now: a
   * keyboard the bot has since removed has none).
   */
  press(person: Person, message: SentMessage, data: string): void {
    const current = this.sent.find((m) => m.chat_id === message.chat_id && m.message_id === message.message_id) ?? message;
    const button = current.reply_markup?.inline_keyboard.flat().find((b) => b.callback_data === data);
    if (!button) throw new Error(`no button "${data}" under "${message.text.slice(0, 60)}"`);
    this.enqueue({
      callback_query: {
        id: `cb${this.nextUpdateId}`,
        from: user(person),
        chat_instance: `instance-${person.id}`,
        message: { message_id: message.message_id, date: now(), chat: privateChat(person), from: BOT_USER, text: message.text },
        data,
      },
    });
  }

  // --- what the bot did -------------------------------------------------------------------------

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  messagesTo(chatId: number): SentMessage[] {
    return this.sent.filter((message) => message.chat_id === chatId);
  }

  /** Waits until the bot has sent `count` messages to the chat in all. */
  async waitForMessages(chatId: number, count: number, timeoutMs = 10_000): Promise<SentMessage[]> {
    await this.until(() => this.messagesTo(chatId).length >= count, timeoutMs, () =>
      `waited for ${count} messages to ${chatId}, got ${JSON.stringify(this.messagesTo(chatId).map((m) => m.text.slice(0, 80)))}`,
    );
    return this.messagesTo(chatId);
  }

  /** Waits for the first message with buttons among those sent to the chat after the first `after`. */
  async waitForPrompt(chatId: number, after: number, timeoutMs = 10_000): Promise<SentMessage> {
    const find = () => this.messagesTo(chatId).slice(after).find((m) => m.reply_markup?.inline_keyboard.length);
    await this.until(() => find() !== undefined, timeoutMs, () =>
      `no prompt to ${chatId} after ${after}: ${JSON.stringify(this.messagesTo(chatId).map((m) => m.text.slice(0, 80)))}`,
    );
    return find()!;
  }

  /** Waits until a condition on the recorded calls holds. */
  async until(condition: () => boolean, timeoutMs = 10_000, explain = () => 'condition not met'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(explain());
      await this.nextEvent(Math.min(200, deadline - Date.now()));
    }
  }

  /** Answers the next `times` calls of a method with a fault (429 with retry_after, or 500), after those queued already. */
  failNext(method: string, times: number, fault: Fault): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...Array.from({ length: times }, () => fault)]);
  }

  // --- the HTTP side ----------------------------------------------------------------------------

  private sendMessage(person: Person, chat: Chat, content: Record<string, unknown>): number {
    const message = this.messageFrom(person, chat, content);
    this.enqueue({ message });
    return message.message_id;
  }

  private messageFrom(person: Person, chat: Chat, content: Record<string, unknown>) {
    return { message_id: this.nextMessageId++, date: now(), chat, from: user(person), ...content };
  }

  private enqueue(update: Record<string, unknown>): void {
    this.updates.push({ update_id: this.nextUpdateId++, ...update });
    this.wake();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(req.url ?? '/', this.url).pathname);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const reply = (status: number, json: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    };
    if (!match) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    const method = match[2]!;
    const params = (body ? JSON.parse(body) : {}) as Record<string, any>;

    const fault = this.faults.get(method)?.shift();
    const call: ApiCall = { method, params, ok: !fault };
    this.calls.push(call);
    this.wake();
    if (fault?.status === 429) {
      const description = `Too Many Requests: retry after ${fault.retryAfter}`;
      return reply(429, { ok: false, error_code: 429, description, parameters: { retry_after: fault.retryAfter } });
    }
    if (fault) return reply(500, { ok: false, error_code: 500, description: 'Internal Server Error' });

    const result = await this.answer(method, params, res);
    if (result === undefined) return reply(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    if (result instanceof Refusal) {
      call.ok = false;
      call.error = `Bad Request: ${result.description}`;
      this.wake();
      return reply(400, { ok: false, error_code: 400, description: call.error });
    }
    reply(200, { ok: true, result });
  }

  private async answer(method: string, params: Record<string, any>, res: ServerResponse): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return { ...BOT_USER, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'getUpdates':
        return this.getUpdates(params, res);
      case 'sendMessage': {
        const refused = textProblem(String(params.text ?? ''), params.parse_mode) ?? keyboardProblem(params.reply_markup);
        if (refused) return new Refusal(refused);
        const message: SentMessage = {
          message_id: this.nextMessageId++,
          chat_id: Number(params.chat_id),
          text: String(params.text),
          parse_mode: params.parse_mode,
          reply_markup: params.reply_markup,
        };
        this.sent.push(message);
        this.wake();
        return { message_id: message.message_id, date: now(), chat: { id: message.chat_id, type: 'private' }, from: BOT_USER, text: message.text };
      }
      case 'editMessageReplyMarkup': {
        const index = this.sent.findIndex((m) => m.chat_id === Number(params.chat_id) && m.message_id === Number(params.message_id));
        if (index < 0) return new Refusal('message to edit not found');
        const refused = keyboardProblem(params.reply_markup);
        if (refused) return new Refusal(refused);
        const message = this.sent[index]!;
        // A message with an empty keyboard has none at all.
        const markup = params.reply_markup?.inline_keyboard?.length ? (params.reply_markup as SentMessage['reply_markup']) : undefined;
        if (JSON.stringify(markup) === JSON.stringify(message.reply_markup)) {
          return new Refusal('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
        }
        // A new record, so that what a test kept of the message as it was sent stays as it was.
        this.sent[index] = { ...message, reply_markup: markup };
        this.wake();
        return { message_id: message.message_id, date: now(), chat: { id: message.chat_id, type: 'private' }, from: BOT_USER, text: message.text };
      }
      case 'sendChatAction':
      case 'answerCallbackQuery':
      case 'setMyCommands':
      case 'deleteWebhook':
      case 'setWebhook':
        return true;
      case 'getWebhookInfo': {
        const url = this.callsOf('setWebhook').at(-1)?.params.url ?? '';
        return { url, has_custom_certificate: false, pending_update_count: 0 };
      }
      default:
        return undefined;
    }
  }

  /** Long polling: confirms updates below `offset`, then waits up to `timeout` seconds for any. */
  private async getUpdates(params: Record<string, any>, res: ServerResponse): Promise<unknown[]> {
    const offset = Number(params.offset ?? 0);
    if (offset > 0) this.updates = this.updates.filter((update) => update.update_id >= offset);
    const deadline = Date.now() + Number(params.timeout ?? 0) * 1000;
    while (this.updates.length === 0 && Date.now() < deadline && !res.destroyed && this.server.listening) {
      await this.nextEvent(deadline - Date.now());
    }
    return this.updates.slice(0, Number(params.limit ?? 100));
  }

  private nextEvent(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      const waiters = this.waiters;
      function done() {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      }
      waiters.add(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }
}

export function privateChat(person: Person): Chat {
  return { id: person.id, type: 'private' };
}

function user(person: Person) {
  return { id: person.id, is_bot: false, first_name: `Person ${person.id}`, language_code: person.language_code };
}

/** Why Telegram would refuse a message's text, or undefined when it would show it. */
function textProblem(text: string, parseMode: string | undefined): string | undefined {
  let shown = text;
  if (parseMode === 'HTML') {
    const parsed = parseHtml(text);
    if (typeof parsed !== 'string') return `can't parse entities: ${parsed.problem}`;
    shown = parsed;
  } else if (parseMode !== undefined) {
    return `unsupported parse_mode "${parseMode}" in this double`;
  }
  if (!shown.trim()) return 'message text is empty';
  if (shown.length > MAX_TEXT) return 'message is too long';
  return undefined;
}

/** Why Telegram would refuse an inline keyboard, or undefined. */
function keyboardProblem(markup: unknown): string | undefined {
  if (markup === undefined) return undefined;
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) return "field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays";
  for (const button of rows.flat() as Array<Partial<Button>>) {
    if (typeof button.text !== 'string' || !button.text) return 'BUTTON_TEXT_EMPTY';
    const bytes = Buffer.byteLength(button.callback_data ?? '');
    if (bytes < 1 || bytes > 64) return 'BUTTON_DATA_INVALID';
  }
  return undefined;
}

/**
 * Telegram's HTML parse mode: the text as shown, or the problem. Only its tags, properly nested;
 * every `<`, `>` and `&` outside a tag written as an entity (named: lt, gt, amp, quot; or numeric).
 */
function parseHtml(html: string): string | { problem: string } {
  const open: string[] = [];
  let shown = '';
  const token = /<(\/?)([a-z][a-z-]*)(\s[^<>]*)?>|&(?:([a-z]+)|#(\d+)|#x([0-9a-f]+));|([<>&])|[^<>&]+/giy;
  for (let match = token.exec(html); match; match = token.exec(html)) {
    const [whole, closing, tag, , named, decimal, hex, bare] = match;
    if (bare) return { problem: `unexpected "${bare}" at byte offset ${Buffer.byteLength(html.slice(0, match.index))}` };
    if (tag !== undefined) {
      const name = tag.toLowerCase();
      if (!HTML_TAGS.has(name)) return { problem: `unsupported start tag "${name}"` };
      if (!closing) open.push(name);
      else if (open.pop() !== name) return { problem: `unmatched end tag "${name}"` };
    } else if (named !== undefined) {
      const character = NAMED_ENTITIES[named.toLowerCase()];
      if (character === undefined) return { problem: `unsupported HTML entity "&${named};"` };
      shown += character;
    } else if (decimal !== undefined || hex !== undefined) {
      shown += String.fromCodePoint(decimal !== undefined ? Number(decimal) : parseInt(hex!, 16));
    } else {
      shown += whole;
    }
  }
  if (open.length > 0) return { problem: `can't find end tag corresponding to start tag "${open.at(-1)}"` };
  return shown;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** The values of a message's inline buttons, in order. */
export function buttonValues(message: SentMessage): string[] {
  return message.reply_markup?.inline_keyboard.flat().map((b) => b.callback_data) ?? [];
}

/** A person in their Telegram app: writes, taps or acts, then waits for the bot's next message with buttons. */
export function chatWith(double: TelegramDouble, person: Person) {
  /** Waits for the next prompt; returns what the bot said up to and including it. */
  const untilPrompt = async (before: number) => {
    const prompt = await double.waitForPrompt(person.id, before);
    const messages = double.messagesTo(person.id);
    return { prompt, replies: messages.slice(before, messages.indexOf(prompt) + 1) };
  };
  const act = (send: () => void) => {
    const before = double.messagesTo(person.id).length;
    send();
    return untilPrompt(before);
  };
  return {
    act,
    say: (text: string) => act(() => double.sendText(person, text)),
    tap: (message: SentMessage, value: string) => act(() => double.press(person, message, value)),
    /** Every sendMessage call to this chat so far, refused ones included. */
    sendCalls: () => double.callsOf('sendMessage').filter((call) => Number(call.params.chat_id) === person.id),
    typingCalls: () => double.callsOf('sendChatAction').filter((call) => Number(call.params.chat_id) === person.id),
  };
}
