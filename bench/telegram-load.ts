import type { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { BotApiDouble, SentMessage } from './bot-api-double.js';
import { failureOf, type Driver, type TurnTiming } from './load.js';
import { callJson } from './http.js';
import { pool, round, withTimeout } from './stats.js';

/**
 * Telegram webhook load: chats post updates to a bot's webhook route, with the secret header, as
 * Telegram does; a turn ends when the Bot API double receives the bot's sendMessage that ends the
 * reply for that chat (ours: the message with the inline keyboard; the baseline: its one reply).
 * Latency runs from the start of the POST to that call's arrival.
 */

const TURN_TIMEOUT_MS = 30_000;

export interface WebhookTarget {
  /** Full URL of the webhook route. */
  url: string;
  secret: string;
  /** Whether this sendMessage ends the bot's reply to a message. */
  endsTurn: (message: SentMessage) => boolean;
}

interface Pending {
  start: number;
  first?: number;
  resolve: (end: number) => void;
  reject: (error: Error) => void;
}

let nextUpdateId = 1;

export class TelegramChats implements Driver {
  readonly count: number;
  private readonly pending = new Map<number, Pending>();
  private readonly messageIds = new Map<number, number>();
  readonly chatIds: number[];

  constructor(
    private readonly target: WebhookTarget,
    private readonly double: BotApiDouble,
    private readonly agent: Agent,
    firstChatId: number,
    count: number,
  ) {
    this.chatIds = Array.from({ length: count }, (_, i) => firstChatId + i);
    this.count = count;
  }

  /** Hears the double's sendMessage calls for these chats (one set of chats runs at a time). */
  private readonly listener = (message: SentMessage) => {
    const pending = this.pending.get(message.chatId);
    if (!pending) return;
    const failure = failureOf(message.text);
    if (failure) {
      this.pending.delete(message.chatId);
      pending.reject(new Error(`the bot answered with its apology ${failure}`));
      return;
    }
    pending.first ??= message.at;
    if (this.target.endsTurn(message)) {
      this.pending.delete(message.chatId);
      pending.resolve(message.at);
    }
  };

  /** A text message from the chat's person; resolves when the bot's reply has ended. */
  turn(index: number, text: string): Promise<TurnTiming> {
    return this.send(this.chatIds[index]!, text);
  }

  private async send(chatId: number, text: string): Promise<TurnTiming> {
    this.double.onSendMessage = this.listener;
    const messageId = (this.messageIds.get(chatId) ?? 0) + 1;
    this.messageIds.set(chatId, messageId);
    const update = {
      update_id: nextUpdateId++,
      message: {
        message_id: messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'private' },
        from: { id: chatId, is_bot: false, first_name: `Person ${chatId}`, language_code: 'en' },
        text,
      },
    };
    const start = performance.now();
    let pending!: Pending;
    const ended = new Promise<number>((resolve, reject) => {
      pending = { start, resolve, reject };
      this.pending.set(chatId, pending);
    });
    ended.catch(() => undefined); // awaited below; a failure before the POST returns is not unhandled
    const posted = await callJson(this.agent, 'POST', this.target.url, update, { 'x-telegram-bot-api-secret-token': this.target.secret });
    if (posted.status !== 200) {
      this.pending.delete(chatId);
      throw new Error(`webhook: ${posted.status} ${JSON.stringify(posted.json)}`);
    }
    const end = await withTimeout(ended, TURN_TIMEOUT_MS, 'the bot reply at the Bot API double');
    return { turnMs: end - start, firstMs: (pending.first ?? end) - start };
  }

  /** Ours only: /start (greeting and the language prompt), then English (the menu). */
  async setUp(): Promise<number> {
    const started = performance.now();
    await pool(this.chatIds, 50, async (chatId) => {
      await this.send(chatId, '/start');
      await this.send(chatId, 'lang:en');
    });
    return round((performance.now() - started) / 1000);
  }
}
