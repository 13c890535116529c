import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BOT_USER } from '../test/support/telegram-double.js';

/**
 * The Bot API double for load: the same answers as test/support/telegram-double.ts (same bot user,
 * same results for the methods the bots call), over real HTTP on 127.0.0.1, but it keeps no log of
 * calls. The test double records every call and rescans the whole record on each wait, which at
 * 1,000 chats and thousands of messages would cost more than the bots it measures. Instead, each
 * `sendMessage` is handed at once to a listener with its arrival time, and calls are only counted.
 */
export interface SentMessage {
  chatId: number;
  text: string;
  hasButtons: boolean;
  /** performance.now() when the call arrived (its body fully read). */
  at: number;
}

export class BotApiDouble {
  readonly url: string;
  /** Calls received, by method. */
  readonly counts = new Map<string, number>();
  onSendMessage: (message: SentMessage) => void = () => undefined;
  private nextMessageId = 1;

  private constructor(private readonly server: Server) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async start(): Promise<BotApiDouble> {
    const server = createServer();
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 4096, resolve));
    const double = new BotApiDouble(server);
    server.on('request', (req, res) => void double.serve(req, res));
    return double;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  countOf(method: string): number {
    return this.counts.get(method) ?? 0;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec((req.url ?? '/').split('?')[0]!);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const at = performance.now();
    const reply = (status: number, json: unknown) => {
      if (res.destroyed) return;
      const body = JSON.stringify(json);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    };
    if (!match) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    const method = match[2]!;
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
    let params: Record<string, any> = {};
    try {
      const body = Buffer.concat(chunks).toString('utf8');
      params = body ? (JSON.parse(body) as Record<string, any>) : {};
    } catch {
      return reply(400, { ok: false, error_code: 400, description: 'Bad Request: cannot parse the body' });
    }
    switch (method) {
      case 'getMe':
        return reply(200, { ok: true, result: { ...BOT_USER, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } });
      case 'sendMessage': {
        const chatId = Number(params.chat_id);
        const text = String(params.text);
        const messageId = this.nextMessageId++;
        this.onSendMessage({ chatId, text, hasButtons: Boolean(params.reply_markup?.inline_keyboard?.length), at });
        return reply(200, {
          ok: true,
          result: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' }, from: BOT_USER, text },
        });
      }
      case 'sendChatAction':
      case 'answerCallbackQuery':
      case 'editMessageReplyMarkup':
      case 'setMyCommands':
      case 'deleteWebhook':
      case 'setWebhook':
        return reply(200, { ok: true, result: true });
      case 'getUpdates':
        // Nobody polls in webhook mode; answered empty at once rather than long-polled.
        return reply(200, { ok: true, result: [] });
      default:
        return reply(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }
}
